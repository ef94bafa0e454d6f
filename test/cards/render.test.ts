import { expandCard } from '../../cards/render';

const template = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hello ${name}', $when: '${show}' }] };

describe('expandCard', () => {
  it('gives the same card for the same data, as a new object each time, and a new card for new data', () => {
    const first = expandCard(template, { name: 'Adele', show: true });
    first.body.push({ type: 'TextBlock', text: 'a notice added by a caller' });
    const second = expandCard(template, { name: 'Adele', show: true });
    expect(second.body).toEqual([{ type: 'TextBlock', text: 'Hello Adele' }]);
    expect(expandCard(template, { name: 'Alex', show: true }).body).toEqual([{ type: 'TextBlock', text: 'Hello Alex' }]);
    expect(expandCard(template, { name: 'Alex', show: false }).body).toEqual([]);
  });

});
