import { sexText } from '../i18n/labels';

/**
 * A child as lists show them: the masked name the API sends (张*明), sex and age — never
 * the full name, ID number, address or school (未成年人保护法 Art.103). Full identity is
 * shown only on the case page.
 */
export function MaskedName({ displayName, sex, age }: { displayName: string; sex?: string | null; age?: number | null }) {
  const extra = [sex ? sexText(sex) : null, typeof age === 'number' ? `${age}岁` : null].filter(Boolean).join(' · ');
  return (
    <span>
      <span style={{ fontWeight: 600 }} aria-label={`儿童 ${displayName}（已隐去部分姓名）`}>
        {displayName}
      </span>
      {extra && <span style={{ color: 'rgba(0,0,0,0.65)', marginInlineStart: 6 }}>{extra}</span>}
    </span>
  );
}

/** The same masking rule as the server (libs/access masking.ts), for names the client holds. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
