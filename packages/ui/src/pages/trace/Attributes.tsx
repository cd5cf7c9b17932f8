/** Attribute values as the server sent them (already redacted); objects shown as JSON. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

export function Attributes({
  attrs,
  empty = 'none',
}: {
  attrs: Record<string, unknown>;
  empty?: string;
}) {
  const entries = Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <div className="muted">{empty}</div>;
  return (
    <table className="attrs">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">
              {k}
            </th>
            <td className="mono">{showValue(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
