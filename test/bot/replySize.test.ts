import { CardFactory, MessageFactory, TestAdapter } from 'botbuilder';
import pino from 'pino';
import { shapeRepliesForChannel, MAX_REPLY_BYTES, REPLY_TOO_LARGE_MESSAGE } from '../../bot/mciBot';

/** The one place every turn reply passes before it is sent: nothing over Teams' message size limit leaves it. */
describe('shapeRepliesForChannel', () => {
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });

  function adapterSending(reply: () => Parameters<TestAdapter['sendActivities']>[1][number]): TestAdapter {
    return new TestAdapter(async (context) => {
      shapeRepliesForChannel(context, logger);
      await context.sendActivity('small, sent as it is');
      await context.sendActivity(reply());
    });
  }

  it('replaces a 900 KB text reply with a short message naming the problem, logs it, and leaves small replies alone', async () => {
    await adapterSending(() => MessageFactory.text('x'.repeat(900 * 1024)))
      .send('hi')
      .assertReply('small, sent as it is')
      .assertReply((activity) => {
        expect(activity.text).toBe(REPLY_TOO_LARGE_MESSAGE);
        expect(Buffer.byteLength(JSON.stringify(activity))).toBeLessThan(2048);
      });
    expect(warnings).toContainEqual(expect.objectContaining({ msg: "a reply over Teams' message size limit was replaced" }));
  });

  it('replaces a card over the limit, dropping its attachment', async () => {
    const body = Array.from({ length: 2000 }, (_, i) => ({ type: 'TextBlock', text: `row ${i} ${'y'.repeat(60)}` }));
    await adapterSending(() => MessageFactory.attachment(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body })))
      .send('hi')
      .assertReply('small, sent as it is')
      .assertReply((activity) => {
        expect(activity.text).toBe(REPLY_TOO_LARGE_MESSAGE);
        expect(activity.attachments).toBeUndefined();
      });
  });

  it('sends a reply just under the limit unchanged', async () => {
    const text = 'z'.repeat(MAX_REPLY_BYTES - 2048);
    await adapterSending(() => MessageFactory.text(text))
      .send('hi')
      .assertReply('small, sent as it is')
      .assertReply((activity) => expect(activity.text).toBe(text));
  });
});
