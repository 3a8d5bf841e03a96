// Every public symbol has a TSDoc comment: the declarations dist/index.d.ts exports (following
// its re-exports into the other .d.ts files) and the public members of exported classes and
// interfaces. Reads the built declarations (npm test builds first).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as ts from "typescript";

const dist = join(__dirname, "..", "dist");

/** "*" for every export of a file, otherwise the names wanted from it. */
type Wanted = "*" | Set<string>;

interface Report {
  /** Declarations checked ("file: name" or "file: Class.member"). */
  checked: string[];
  /** The ones without a doc comment. */
  undocumented: string[];
  /** Names re-exported from a file that declares no such export. */
  unresolved: string[];
}

const sources = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = sources.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    sources.set(file, sf);
  }
  return sf;
}

/** `./x.js` → dist/x.d.ts, relative to the re-exporting file. */
function resolveSpecifier(from: string, spec: string): string {
  return resolve(dirname(from), spec.replace(/\.js$/, ".d.ts"));
}

/** A /** doc comment with some text (or tags) right before the node. */
function hasDoc(node: ts.Node): boolean {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  if (docs.some((d) => (typeof d.comment === "string" ? d.comment.trim() !== "" : (d.comment?.length ?? 0) > 0) || (d.tags?.length ?? 0) > 0)) return true;
  // Fallback: the raw leading comments of the node (or its statement, for a variable).
  const sf = node.getSourceFile();
  const target = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const ranges = ts.getLeadingCommentRanges(sf.text, target.getFullStart()) ?? [];
  return ranges.some((r) => /^\/\*\*[\s*]*[^\s*/]/.test(sf.text.slice(r.pos, r.end)));
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

function isNonPublic(member: ts.Node): boolean {
  if (member.kind !== ts.SyntaxKind.Constructor && (member as ts.NamedDeclaration).name && ts.isPrivateIdentifier((member as ts.NamedDeclaration).name!)) return true;
  const mods = ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : [];
  return mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}

function memberName(member: ts.ClassElement | ts.TypeElement, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(member) || ts.isConstructSignatureDeclaration(member)) return "constructor";
  if (ts.isCallSignatureDeclaration(member)) return "(call)";
  if (ts.isIndexSignatureDeclaration(member)) return "[index]";
  return member.name ? member.name.getText(sf) : "(anonymous)";
}

function collect(file: string, wanted: Wanted, report: Report, seen: Set<string>): void {
  const sf = parse(file);
  const rel = file.slice(dist.length + 1);
  const want = (name: string) => wanted === "*" || wanted.has(name);
  const check = (node: ts.Node, name: string) => {
    const key = `${rel}: ${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    report.checked.push(key);
    if (!hasDoc(node)) report.undocumented.push(key);
  };
  const checkMembers = (owner: string, members: ts.NodeArray<ts.ClassElement | ts.TypeElement>) => {
    for (const m of members) {
      if (ts.isClassStaticBlockDeclaration(m as ts.Node) || ts.isSemicolonClassElement(m as ts.Node)) continue;
      if (isNonPublic(m)) continue;
      check(m, `${owner}.${memberName(m, sf)}`);
    }
  };

  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = resolveSpecifier(file, st.moduleSpecifier.text);
        if (!existsSync(target)) {
          report.unresolved.push(`${rel}: ${st.moduleSpecifier.text} (no ${target})`);
          continue;
        }
        if (!st.exportClause) {
          // export * from: everything it exports, or the wanted names it may hold.
          collect(target, wanted, report, seen);
        } else if (ts.isNamedExports(st.exportClause)) {
          const names = new Set<string>();
          for (const el of st.exportClause.elements) {
            if (!want(el.name.text)) continue;
            names.add((el.propertyName ?? el.name).text);
          }
          if (names.size) {
            collect(target, names, report, seen);
            const have = exportsOf(target);
            for (const n of names) if (!have.has(n)) report.unresolved.push(`${rel}: ${n} from ${st.moduleSpecifier.text}`);
          }
        }
      }
      continue;
    }
    if (!isExported(st)) continue;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !want(d.name.text)) continue;
        check(d, d.name.text);
      }
    } else if (ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st)) {
      const name = st.name?.text ?? "default";
      if (!want(name)) continue;
      check(st, name);
      checkMembers(name, st.members);
    } else if (ts.isFunctionDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) {
      const name = st.name?.text ?? "default";
      if (!want(name)) continue;
      check(st, name);
      if (ts.isTypeAliasDeclaration(st) && ts.isTypeLiteralNode(st.type)) checkMembers(name, st.type.members);
      if (ts.isEnumDeclaration(st)) for (const m of st.members) check(m, `${name}.${m.name.getText(sf)}`);
    }
  }
}

/** The names a .d.ts file exports (its own declarations and its re-exports). */
function exportsOf(file: string): Set<string> {
  const out = new Set<string>();
  const sf = parse(file);
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.exportClause && ts.isNamedExports(st.exportClause)) for (const el of st.exportClause.elements) out.add(el.name.text);
      else if (!st.exportClause && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = resolveSpecifier(file, st.moduleSpecifier.text);
        if (existsSync(target)) for (const n of exportsOf(target)) out.add(n);
      }
    } else if (isExported(st)) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.add(d.name.text);
      } else if ((ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
        out.add(st.name.text);
      }
    }
  }
  return out;
}

test("every public symbol (dist/index.d.ts and its re-exports) has a TSDoc comment", () => {
  const index = join(dist, "index.d.ts");
  expect(existsSync(index)).toBe(true);
  const report: Report = { checked: [], undocumented: [], unresolved: [] };
  collect(index, "*", report, new Set());
  expect(report.unresolved).toEqual([]);
  // The walk reached the re-exported modules (a sanity check on the walker itself).
  for (const k of ["uapi.d.ts: EPOLLIN", "kernel/kernel.d.ts: Kernel", "sys.d.ts: Sys.epoll_ctl", "thread-sys.d.ts: ThreadSys", "epoll.d.ts: Epoll.wait", "uapi.d.ts: O_NONBLOCK"]) {
    expect(report.checked).toContain(k);
  }
  if (report.undocumented.length) {
    throw new Error(`${report.undocumented.length} of ${report.checked.length} public declarations have no /** doc comment:\n  ${report.undocumented.join("\n  ")}`);
  }
});

test("every public symbol of epoll-wasm/testing (dist/testing/index.d.ts) has a TSDoc comment", () => {
  const index = join(dist, "testing", "index.d.ts");
  expect(existsSync(index)).toBe(true);
  const report: Report = { checked: [], undocumented: [], unresolved: [] };
  collect(index, "*", report, new Set());
  expect(report.unresolved).toEqual([]);
  for (const k of ["testing/explore.d.ts: explore", "testing/explore.d.ts: Failure.seed", "testing/run.d.ts: ExploreContext.produce", "testing/trace.d.ts: TraceEntry.timeMs"]) {
    expect(report.checked).toContain(k);
  }
  if (report.undocumented.length) {
    throw new Error(`${report.undocumented.length} of ${report.checked.length} public declarations have no /** doc comment:\n  ${report.undocumented.join("\n  ")}`);
  }
});
