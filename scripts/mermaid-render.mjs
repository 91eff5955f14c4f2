// Renders Mermaid diagrams to SVG with the Mermaid library itself (the version GitHub's renderer is
// built on, pinned in package.json), in Node, under jsdom: no browser.
//
// jsdom builds the DOM Mermaid draws into but does no layout: it has no font metrics, so
// getBBox(), getBoundingClientRect() and getComputedTextLength() do not exist or return zeros. The
// functions below supply them from the markup itself, a LAYOUT APPROXIMATION, not a pixel render:
//  - text: every character is CHAR_WIDTH px wide (Mermaid's default 16 px sans-serif averages about
//    0.55 em), every line LINE_HEIGHT px high; a line ends at a <br> or a new row of <tspan>s;
//  - shapes: their own attributes (rect x/y/width/height, polygon points, path coordinates, circle);
//  - groups: the union of their children's boxes, each moved by its translate().
// Mermaid's layout engine (dagre) then places nodes and routes edges from these sizes exactly as it
// would from a browser's: the same nodes, labels, edges and clusters; only the sizes are estimates.
// It is deterministic: the same diagram gives the same SVG.
import { JSDOM } from 'jsdom';

export const CHAR_WIDTH = 9;
export const LINE_HEIGHT = 24;

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
const W = dom.window;
globalThis.window = W;
globalThis.document = W.document;
for (const key of ['DOMParser', 'Element', 'HTMLElement', 'SVGElement', 'Node', 'navigator', 'MutationObserver', 'CSSStyleSheet', 'XMLSerializer']) {
  if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value: W[key], configurable: true });
}

const box = (x, y, width, height) => ({ x, y, width, height, top: y, left: x, right: x + width, bottom: y + height });
const EMPTY = box(0, 0, 0, 0);

/** Lines of text inside an element: split at <br> (HTML labels) or at each row of <tspan>s (SVG text). */
function textLines(el) {
  const rows = [...el.querySelectorAll('tspan.row, tspan.text-outer-tspan')];
  if (rows.length) return rows.map((r) => r.textContent);
  if (el.querySelector('br')) {
    const lines = [''];
    const walk = (n) => n.childNodes.forEach((c) => (c.nodeName.toLowerCase() === 'br' ? lines.push('') : c.nodeType === 3 ? (lines[lines.length - 1] += c.textContent) : walk(c)));
    walk(el);
    return lines;
  }
  return [el.textContent ?? ''];
}

function textBox(el) {
  const lines = textLines(el).filter((l, i, all) => l.length || all.length === 1);
  const width = Math.max(0, ...lines.map((l) => [...l].length)) * CHAR_WIDTH;
  return width ? box(0, 0, width, LINE_HEIGHT * lines.length) : EMPTY;
}

const num = (el, name) => Number(el.getAttribute(name)) || 0;
function pointsBox(text) {
  const n = (text.match(/-?\d*\.?\d+(?:e-?\d+)?/gi) ?? []).map(Number);
  if (n.length < 2) return EMPTY;
  const xs = n.filter((_, i) => i % 2 === 0);
  const ys = n.filter((_, i) => i % 2 === 1);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  return box(x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0);
}
function translated(el, b) {
  const m = /translate\(\s*(-?[\d.e-]+)[ ,]*(-?[\d.e-]+)?\s*\)/.exec(el.getAttribute?.('transform') ?? '');
  return m ? box(b.x + Number(m[1]), b.y + Number(m[2] ?? 0), b.width, b.height) : b;
}

function svgBox(el) {
  switch (el.nodeName.toLowerCase()) {
    case 'style': case 'marker': case 'defs': case 'title': case 'desc': return EMPTY;
    case 'text': case 'tspan': return textBox(el);
    case 'rect': case 'foreignobject': case 'image': return box(num(el, 'x'), num(el, 'y'), num(el, 'width'), num(el, 'height'));
    case 'circle': return box(num(el, 'cx') - num(el, 'r'), num(el, 'cy') - num(el, 'r'), 2 * num(el, 'r'), 2 * num(el, 'r'));
    case 'ellipse': return box(num(el, 'cx') - num(el, 'rx'), num(el, 'cy') - num(el, 'ry'), 2 * num(el, 'rx'), 2 * num(el, 'ry'));
    case 'polygon': case 'polyline': return pointsBox(el.getAttribute('points') ?? '');
    case 'path': return pointsBox((el.getAttribute('d') ?? '').replace(/[a-df-z]/gi, ' '));
    case 'line': return pointsBox(`${num(el, 'x1')} ${num(el, 'y1')} ${num(el, 'x2')} ${num(el, 'y2')}`);
    default: {
      const parts = [...el.children].map((c) => translated(c, svgBox(c))).filter((b) => b.width || b.height);
      if (!parts.length) return EMPTY;
      const x = Math.min(...parts.map((b) => b.x));
      const y = Math.min(...parts.map((b) => b.y));
      return box(x, y, Math.max(...parts.map((b) => b.x + b.width)) - x, Math.max(...parts.map((b) => b.y + b.height)) - y);
    }
  }
}

W.SVGElement.prototype.getBBox = function getBBox() { return svgBox(this); };
W.SVGElement.prototype.getComputedTextLength = function getComputedTextLength() { return textBox(this).width; };
W.HTMLElement.prototype.getBoundingClientRect = function getBoundingClientRect() { return textBox(this); };

const { default: mermaid } = await import('mermaid');
// GitHub's defaults: strict security (labels are text, HTML in them is sanitized), HTML labels. One
// change: a fixed seed for rough.js, which draws the rounded shapes with random control points, so
// that the same diagram gives the same SVG.
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', handDrawnSeed: 1 });

let seq = 0;
/** Renders one diagram (parsing it first). Returns its type and SVG markup; throws Mermaid's error. */
export async function renderMermaid(source) {
  const { svg, diagramType } = await mermaid.render(`mermaid-${++seq}`, source);
  return { type: diagramType, svg };
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown) {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}
