import { type InputHTMLAttributes, useEffect, useState } from 'react';

/** A text input that reports its value after the user pauses, so each keystroke is not a query. */
export function DebouncedInput(
  props: Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
    value: string;
    onValue: (v: string) => void;
    delayMs?: number;
  },
) {
  const { value, onValue, delayMs = 300, ...rest } = props;
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  useEffect(() => {
    if (local === value) return;
    const t = setTimeout(() => onValue(local), delayMs);
    return () => clearTimeout(t);
  }, [local, value, onValue, delayMs]);
  return <input {...rest} value={local} onChange={(e) => setLocal(e.target.value)} />;
}
