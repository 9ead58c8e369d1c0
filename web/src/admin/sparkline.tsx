/** A small live line chart in plain SVG: the last points of one series, scaled to its own maximum. */
export function Sparkline({
  label,
  values,
  unit,
  testId,
}: {
  label: string;
  values: number[];
  unit: string;
  testId: string;
}) {
  const width = 300;
  const height = 60;
  const max = Math.max(1, ...values);
  const last = values[values.length - 1] ?? 0;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 4) - 2).toFixed(1)}`);
  return (
    <figure className="chart">
      <figcaption>
        {label}{' '}
        <strong data-testid={testId} data-value={last}>
          {formatNumber(last)} {unit}
        </strong>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label} over the last minutes`}>
        <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="2" />
      </svg>
    </figure>
  );
}

export function formatNumber(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString();
  return n.toFixed(n >= 10 ? 1 : 2);
}
