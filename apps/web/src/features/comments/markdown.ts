/**
 * A comment's markdown as safe HTML: marked turns it into HTML (raw HTML in the text included), DOMPurify then keeps
 * only harmless markup — no scripts, no event handlers, no images (no tracking pixels), no forms or frames, and
 * only http(s) and mailto links, each opening in a new tab without the opener or a referrer.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
const SAFE_URL = /^(?:https?:|mailto:)/i;

type Purifier = typeof DOMPurify;
const hooked = new WeakSet<Purifier>();
function hook(purify: Purifier) {
  if (hooked.has(purify)) return;
  hooked.add(purify);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href.trim())) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/** `purify`: DOMPurify bound to a window (the page's by default; a test passes one over a standard DOM). */
export function renderMarkdown(text: string, purify: Purifier = DOMPurify): string {
  hook(purify);
  const html = marked.parse(text) as string;
  // Without a DOM it can trust (never in a browser), nothing is rendered as HTML: the text is escaped.
  if (!purify.isSupported) return escapeHtml(text);
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'target', 'rel'],
    ALLOW_DATA_ATTR: false,
  });
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
