/**
 * How `qstat -f` prints a row's attributes (`Job Id:` blocks, values wrapped like `prt_attr()`)
 * and how Torque's `qstat -x` prints them as XML.
 *
 * Sources: Torque 6.1 `src/cmds/qstat.c` (`prt_attr` wrapping at 77 columns,
 * `create_full_job_xml`), OpenPBS `src/cmds/qstat.c` (`prt_attr` wrapping at 78 columns).
 *
 * @module
 */

import type { SimEngineApi } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { entryId, type PbsEntry, serverOf } from "./_jobs.ts";
import { attributesOf, type Listing } from "./_attributes.ts";
import { ctime } from "../_common/format.ts";

/**
 * `prt_attr()`: `    name[.resource] = value`, the value broken at commas when a piece would
 * pass `limit` columns, continuation lines starting with a tab.
 */
export function printAttribute(
  name: string,
  resource: string | undefined,
  value: string,
  limit: number,
): string {
  let out = `    ${name}${resource === undefined ? "" : `.${resource}`} = `;
  let start = name.length + 7 + (resource === undefined ? 0 : resource.length + 1);
  // Most values are one short piece: the same text without splitting (qstat -f of 10,000 jobs).
  if (value.length + start < limit && !value.includes(",")) return `${out}${value}\n`;
  const pieces = value.split(",").filter((piece) => piece !== "");
  pieces.forEach((piece, index) => {
    if (piece.length + start < limit) {
      out += piece;
      start += piece.length;
    } else {
      if (index > 0) {
        out += "\n\t";
        start = 9;
      }
      for (const char of piece) {
        out += char;
        if (++start > limit) {
          start = 8;
          out += "\n\t";
        }
      }
    }
    if (index < pieces.length - 1) out += ",";
  });
  return out + "\n";
}

/**
 * Appends one `qstat -f` block to `parts`: `Job Id: <id>`, the attributes, a blank line.
 * `dates` keeps the dates already formatted by this listing: jobs share submit and start
 * seconds, and a job's ctime, qtime and etime are the same second.
 */
export function fullBlock(
  entry: PbsEntry,
  dialect: PbsDialect,
  engine: SimEngineApi,
  parts: string[],
  dates: Map<number, string>,
  listing: Listing,
): void {
  const server = serverOf(entry.jobs[0]!, engine);
  const limit = dialect.kind === "pbspro" ? 78 : 77;
  // The block is joined at once, so its pieces die young instead of living in `parts`.
  const lines = [`Job Id: ${entryId(entry, server)}\n`];
  for (const attribute of attributesOf(entry, dialect, engine, listing)) {
    let value = attribute.value;
    if (attribute.at !== undefined) {
      value = dates.get(attribute.at) ?? ctime(attribute.at * 1000);
      dates.set(attribute.at, value);
    }
    lines.push(printAttribute(attribute.name, attribute.resource, value, limit));
  }
  lines.push("\n");
  parts.push(lines.join(""));
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Torque `qstat -x`: `<?xml version="1.0"?>` and one line `<Data><Job>...</Job></Data>` (times raw). */
export function xmlDocument(
  entries: readonly PbsEntry[],
  dialect: PbsDialect,
  engine: SimEngineApi,
  listing: Listing,
): string {
  let body = "";
  for (const entry of entries) {
    const server = serverOf(entry.jobs[0]!, engine);
    body += `<Job><Job_Id>${escapeXml(entryId(entry, server))}</Job_Id>`;
    // Resources of one attribute (resources_used.*, Resource_List.*) nest in its element.
    let group: string | undefined;
    for (const attribute of attributesOf(entry, dialect, engine, listing)) {
      if (group !== undefined && attribute.name !== group) {
        body += `</${group}>`;
        group = undefined;
      }
      if (attribute.resource !== undefined) {
        if (group === undefined) body += `<${attribute.name}>`;
        group = attribute.name;
        body += `<${attribute.resource}>${escapeXml(attribute.value)}</${attribute.resource}>`;
      } else {
        body += `<${attribute.name}>${escapeXml(attribute.value)}</${attribute.name}>`;
      }
    }
    if (group !== undefined) body += `</${group}>`;
    body += "</Job>";
  }
  return `<?xml version="1.0"?>\n<Data>${body}</Data>\n`;
}
