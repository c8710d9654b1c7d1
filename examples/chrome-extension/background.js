// Background presence: a heartbeat every 30 s (chrome.alarms; a service worker's timers do not
// survive its shutdown) while signed in, refreshing the session before it expires.
import { PRESENCE_PAGE, SESSION_KEY, reportPresence, sessionClient } from './settings.js';

const ALARM = 'heartbeat';
const PERIOD_MINUTES = 0.5; // Chrome's shortest alarm period

/** The periodic alarm, first due after a random 30-60 s so that browsers started together spread out. */
async function schedule() {
  if (!(await chrome.alarms.get(ALARM))) {
    await chrome.alarms.create(ALARM, { delayInMinutes: PERIOD_MINUTES * (1 + Math.random()), periodInMinutes: PERIOD_MINUTES });
  }
}

async function beat() {
  const client = await sessionClient();
  try {
    await client.refreshIfDue();
    if (client.session) {
      const res = await reportPresence(client);
      if (res.status === 401) await client.validate(); // forgets a session the server no longer knows
    }
  } catch (err) {
    console.warn(`session-presence: heartbeat for ${PRESENCE_PAGE} failed`, err);
  }
  if (client.session) {
    await schedule();
  } else {
    await chrome.alarms.clear(ALARM);
  }
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) beat();
});

// Signed in (a new session id in storage): beat at once and keep beating; signed out: stop.
chrome.storage.onChanged.addListener((changes, area) => {
  const change = changes[SESSION_KEY];
  if (area !== 'local' || !change) return;
  if (!change.newValue) {
    chrome.alarms.clear(ALARM);
  } else if (change.newValue.sessionId !== change.oldValue?.sessionId) {
    beat();
  }
});

chrome.runtime.onStartup.addListener(beat);
