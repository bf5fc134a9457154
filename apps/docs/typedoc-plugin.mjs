// @ts-check
/**
 * The four things the site needs that typedoc's options do not give:
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
 * 4. One title per package page. A package page is titled "Module @profundo/core" and then
 *    shows the package README, whose first line is `# @profundo/core` again; that heading is
 *    dropped on the site (the README keeps it for GitHub and npm). `headings.readme: false`
 *    does the same for the home page.
 *
 * Loaded by the root typedoc.json (`"plugin": ["./apps/docs/typedoc-plugin.mjs"]`).
 */
import { Converter, PageEvent, ReflectionKind, RendererEvent } from 'typedoc';

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

    for (const mod of project.getReflectionsByKind(ReflectionKind.Module)) {
      if (!mod.isDeclaration() || !mod.readme?.length) continue;
      const first = mod.readme[0];
      if (first?.kind !== 'text') continue;
      const title = /^# +(.+?) *(?:\n+|$)/.exec(first.text);
      if (title && title[1] === mod.name) mod.readme[0] = { ...first, text: first.text.slice(title[0].length) };
    }
  });

  app.renderer.on(PageEvent.END, (page) => {
    if (!page.contents) return;
    const depth = page.url.split('/').length - 1;
    const root = depth === 0 ? '' : '../'.repeat(depth);
    page.contents = page.contents.replace(/href="site:([^"]*)"/g, (_, path) => `href="${root}${path}"`);
  });
}
