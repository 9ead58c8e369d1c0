/**
 * pgoutput sends column values as PostgreSQL's text output. These map them to
 * JSON values that keep their meaning: integers that fit a double as numbers,
 * bigint and numeric as strings (no precision lost), timestamps as ISO 8601,
 * bytea as base64, json/jsonb parsed; everything else as its text.
 */
export type TextMapper = (text: string) => unknown;

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const asText: TextMapper = (text) => text;

/** `2024-01-02 03:04:05.123456+02` → `2024-01-02T03:04:05.123456+02:00` (ISO 8601; `infinity` stays text). */
function isoTimestamp(text: string): string {
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::?\d\d)?(?::\d\d)?)?( BC)?$/.exec(text);
  if (!match || match[4]) return text;
  let zone = match[3] ?? '';
  if (zone === '+00') zone = 'Z';
  else if (/^[+-]\d\d$/.test(zone)) zone = `${zone}:00`;
  return `${match[1]}T${match[2]}${zone}`;
}

function float(text: string): number | string {
  const n = Number(text);
  // NaN and ±Infinity have no JSON number: keep PostgreSQL's spelling.
  return Number.isFinite(n) ? n : text;
}

export function textMapper(typeOid: number): TextMapper {
  switch (typeOid) {
    case OID.bool:
      return (t) => t === 't';
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return (t) => Number(t);
    case OID.float4:
    case OID.float8:
      return float;
    case OID.int8:
    case OID.numeric:
      return asText;
    case OID.timestamp:
    case OID.timestamptz:
      return isoTimestamp;
    case OID.bytea:
      // Hex output (`\x0102…`), the default since PostgreSQL 9.0.
      return (t) => (t.startsWith('\\x') ? Buffer.from(t.slice(2), 'hex').toString('base64') : t);
    case OID.json:
    case OID.jsonb:
      return (t) => JSON.parse(t) as unknown;
    default:
      return asText;
  }
}
