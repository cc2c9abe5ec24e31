/** Jinja2 3.1's `urlize` (`jinja2.utils.urlize`): links for URLs and e-mail addresses in text. */
import { htmlEscape } from './runtime';

const W = '[\\p{L}\\p{N}\\p{M}_]';
const HTTP = new RegExp(
  `^((https?://|www\\.)((${W.slice(0, -1)}%-]+\\.)+)?([a-z]{2,63}|xn--${W.slice(0, -1)}%]{2,59})|(${W.slice(0, -1)}%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\])))(?::[\\d]{1,5})?(?:[/?#]\\S*)?$`,
  'iu',
);
const EMAIL = new RegExp(`^\\S+@${W}[${W.slice(1, -1)}.-]*\\.${W}+$`, 'u');
const SPACES = /([\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+)/;

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

/** `urlize(text, trim_url_limit, rel, target, extra_schemes)`. */
export function urlize(text: string, trimUrlLimit: number | null, rel: string | null, target: string | null, extraSchemes: readonly string[]): string {
  const trim = (x: string): string => (trimUrlLimit !== null && Array.from(x).length > trimUrlLimit ? `${Array.from(x).slice(0, trimUrlLimit).join('')}...` : x);
  const words = htmlEscape(text).split(SPACES);
  const relAttr = rel ? ` rel="${htmlEscape(rel)}"` : '';
  const targetAttr = target ? ` target="${htmlEscape(target)}"` : '';
  return words
    .map((word) => {
      let head = '';
      let middle = word;
      let tail = '';
      const lead = /^([(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(lead[0].length);
      }
      if ([')', '>', '.', ',', '\n', '&gt;'].some((e) => middle.endsWith(e))) {
        const trail = /([)>.,\n]|&gt;)+$/.exec(middle);
        if (trail) {
          tail = trail[0];
          middle = middle.slice(0, trail.index);
        }
      }
      for (const [open, close] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']] as const) {
        const opens = count(middle, open);
        if (opens <= count(middle, close)) continue;
        for (let n = Math.min(opens, count(tail, close)); n > 0; n--) {
          const end = tail.indexOf(close) + close.length;
          middle += tail.slice(0, end);
          tail = tail.slice(end);
        }
      }
      if (HTTP.test(middle)) {
        const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL.test(middle)) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      } else {
        for (const scheme of extraSchemes) {
          if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
        }
      }
      return head + middle + tail;
    })
    .join('');
}
