/**
 * A grouped bar chart (req/s by workload and gateway) as a self-contained SVG, written from the
 * results by the bench itself: no external service, no dependency.
 */
import type { Row } from './gateway-only';

const COLORS: Record<string, string> = { ours: '#2b6cb0', stock: '#a0aec0', hive: '#dd6b20', 'ours-cluster': '#2c7a7b' };

export function barChart(title: string, rows: Row[]): string {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const gateways = [...new Set(rows.map((r) => r.gateway))];
  const max = Math.max(1, ...rows.map((r) => r.rps));
  const W = 640, H = 300, left = 60, bottom = 40, top = 40, plotH = H - top - bottom;
  const groupW = (W - left - 20) / workloads.length, barW = Math.min(50, (groupW - 20) / gateways.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${W - 10}" y2="${top + plotH}" stroke="#333"/>`,
    `<text x="14" y="${top + plotH / 2}" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">req/s</text>`,
  ];
  workloads.forEach((w, wi) => {
    const x0 = left + wi * groupW + 10;
    gateways.forEach((g, gi) => {
      const r = rows.find((x) => x.workload === w && x.gateway === g);
      if (!r) return;
      const h = (r.rps / max) * plotH, x = x0 + gi * barW;
      parts.push(`<rect x="${x}" y="${top + plotH - h}" width="${barW - 4}" height="${h}" fill="${COLORS[g] ?? '#718096'}"/>`);
      parts.push(`<text x="${x + (barW - 4) / 2}" y="${top + plotH - h - 4}" text-anchor="middle" font-size="10">${r.rps}</text>`);
    });
    parts.push(`<text x="${x0 + (gateways.length * barW) / 2}" y="${top + plotH + 16}" text-anchor="middle">${w}</text>`);
  });
  gateways.forEach((g, gi) => {
    parts.push(`<rect x="${left + gi * 150}" y="${H - 14}" width="10" height="10" fill="${COLORS[g] ?? '#718096'}"/><text x="${left + gi * 150 + 14}" y="${H - 5}">${g}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
