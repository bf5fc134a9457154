// @ts-check
/**
 * The three things the site needs that typedoc's options do not give:
 *
 * 1. A guide is named by its first `# heading` (typedoc takes a frontmatter `title` or else the
 *    file name, so `writing-a-backend-plugin.md` would show as "writing-a-backend-plugin").
 * 2. The guides come first in the sidebar. With `sortEntryPoints: false` (so the packages keep
 *    the order of typedoc.json, core first) typedoc appends project documents after the packages.
 * 3. Links relative to the site root. typedoc writes `navigationLinks` / `sidebarLinks` into
 *    every page as given, so a relative URL breaks on pages one folder down
 *    (`documents/…`, `classes/…`). A URL written `site:demo/index.html` — in those options or in
 *    a guide's Markdown — becomes `demo/index.html` on the index and `../demo/index.html` on
 *    pages one folder down, so the site works under any base path (a file:// folder, a
 *    GitHub Pages project path).
 *
 * Loaded by the root typedoc.json (`"plugin": ["./apps/docs/typedoc-plugin.mjs"]`).
 */
import { Converter, PageEvent, RendererEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    for (const part of doc.content) {
      if (part.kind !== 'text') continue;
      const heading = /^# +(.+?) *$/m.exec(part.text);
      if (heading) {
        doc.name = heading[1];
        return;
      }
    }
  });

  app.renderer.on(RendererEvent.BEGIN, (event) => {
    const project = event.project;
    const all = project.childrenIncludingDocuments;
    if (!all) return;
    const docs = all.filter((r) => r.isDocument());
    const rest = all.filter((r) => !r.isDocument());
    all.splice(0, all.length, ...docs, ...rest);
  });

  app.renderer.on(PageEvent.END, (page) => {
    if (!page.contents) return;
    const depth = page.url.split('/').length - 1;
    const root = depth === 0 ? '' : '../'.repeat(depth);
    page.contents = page.contents.replace(/href="site:([^"]*)"/g, (_, path) => `href="${root}${path}"`);
  });
}
