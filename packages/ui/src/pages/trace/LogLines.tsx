import type { LogView } from '../../api/types.js';
import { Time } from '../../ui/Time.js';
import { Attributes } from './Attributes.js';

export function levelClass(severityNumber: number): string {
  if (severityNumber >= 17) return 'error';
  if (severityNumber >= 13) return 'warning';
  return 'info';
}

/** Log records inline (a span's own logs, or a trace's unattached ones); expand for attributes. */
export function LogLines({ logs }: { logs: LogView[] }) {
  return (
    <ul className="log-lines">
      {logs.map((l) => (
        <li
          key={`${l.timeUnixNano}:${l.body}`}
          className={`log-line lvl-${levelClass(l.severityNumber)}`}
        >
          <details>
            <summary>
              <Time value={l.time} />{' '}
              <span className={`badge ${levelClass(l.severityNumber)}`}>
                {l.severityText || l.severityNumber}
              </span>{' '}
              <span className="log-body">{l.body}</span>
            </summary>
            <Attributes attrs={l.attributes} />
          </details>
        </li>
      ))}
    </ul>
  );
}
