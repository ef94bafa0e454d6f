import { TeamsCaptureConnector } from '../test/support/teamsConnector';

/**
 * The stand-in Teams connector of the drain benchmark (bench/drain.ts) in a process of its own, as
 * Teams is on another machine: it does not share the bot's event loop. Over IPC it sends its URL
 * once listening, and what it counted when asked ('stats'); 'stop' ends it.
 */
export interface StandInStats {
  delivered: number;
  /** Arrival times (ms, this process's clock) of the accepted messages. */
  arrivals: number[];
  requests: number;
  violations: number;
}

const teams = new TeamsCaptureConnector();
void teams.start().then((url) => process.send?.({ url }));
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const stats: StandInStats = { delivered: teams.activities.length, arrivals: teams.activities.map((a) => a.at), requests: teams.requests.length, violations: teams.violations.length };
    process.send?.({ stats });
  } else if (message === 'stop') {
    void teams.stop().then(() => process.exit(0));
  }
});
