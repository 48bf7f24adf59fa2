"""Rules enforced outside the graph pass (loading, shape, hand-written pages, the built site, URLs).

Declared here, in one place, so that the registry (and the Checks page made from it) lists them with
the rules of the graph pass."""

from kb.check.rules.base import describe

DESCRIBED = [
    describe(
        "yaml-syntax",
        "error",
        "The file is well-formed YAML.",
        "Fix the quoting or indentation at the reported position.",
    ),
    describe(
        "yaml-encoding", "error", "The file is UTF-8 without a byte order mark.", "Save the file as UTF-8 (no BOM)."
    ),
    describe("yaml-size", "error", "A data file is at most 1 MB.", "One fact per file: split or trim it."),
    describe("yaml-read", "error", "The file can be read.", "Check that it exists and is readable."),
    describe(
        "text-character",
        "error",
        "No invisible control, separator, bidirectional or noncharacter code points.",
        "Delete the character at the reported position (most editors do not show it).",
    ),
    describe("yaml-empty", "error", "The file holds data.", "Write the fact's fields, or delete the file."),
    describe(
        "yaml-not-mapping",
        "error",
        "The top level is one mapping of fields.",
        "Write `field: value` lines at the top level.",
    ),
    describe(
        "yaml-multiple-documents",
        "error",
        "One YAML document per file.",
        "Remove the `---` separator; move the rest to its own file.",
    ),
    describe("yaml-duplicate-key", "error", "No key appears twice in one mapping.", "Keep one of the two keys."),
    describe("yaml-key", "error", "Mapping keys are plain names.", "Use a simple word as the key."),
    describe("yaml-anchor", "error", "No anchors (`&name`).", "Write every value out in full."),
    describe("yaml-alias", "error", "No aliases (`*name`).", "Write every value out in full."),
    describe(
        "yaml-tag",
        "error",
        "No explicit tags (`!!str`, `!custom`).",
        "Remove the tag; quote the value if it must stay text.",
    ),
    describe(
        "briefing-front-matter",
        "error",
        "A briefing starts with YAML front matter between `---` lines.",
        "Start the file with `---`, the fields, and a closing `---` line.",
    ),
    describe(
        "file-name",
        "error",
        "A data file's name is UTF-8 text (a fact's name is its id).",
        "Rename the file to its id: lowercase letters, digits and hyphens.",
    ),
    describe(
        "file-type",
        "error",
        "Data files and folders are real ones: no symbolic links, fifos, sockets or devices.",
        "Replace a link with the file (or folder) itself; kb never follows a link out of the data directory.",
    ),
    describe(
        "file-location",
        "error",
        "Fact files live in `data/<type>/` with a `.yaml` name (briefings: `.md`).",
        "Move the file into sources/, actors/, places/, events/, figures/ or briefings/.",
    ),
    describe(
        "schema-unknown-field",
        "error",
        "Only the fields the schema defines.",
        "Fix the field name (a suggestion is shown) or remove it.",
    ),
    describe("schema-required", "error", "Required fields are present.", "Add the missing field."),
    describe(
        "schema-type",
        "error",
        "Each field has the right type (text, number, list...).",
        "Quote text, unquote numbers, use lists where a list is expected.",
    ),
    describe(
        "schema-enum", "error", "Fields with a fixed set of values use one of them.", "Use one of the listed values."
    ),
    describe(
        "schema-pattern",
        "error",
        "Ids, dates and URLs have the expected form.",
        'Follow the form in the hint (dates: "2025-09").',
    ),
    describe(
        "schema-empty", "error", "Lists and texts are not empty.", "Give at least one value, or remove the field."
    ),
    describe("schema-duplicate-item", "error", "A list does not repeat an item.", "Remove the repeat."),
    describe("schema-range", "error", "Numbers lie in their allowed range.", "Correct the number."),
    describe(
        "schema-display",
        "error",
        "Every allowed value in the schemas has display text (`x-display`).",
        "A maintainer's check: add the new value's words to the `x-display` beside its `enum`.",
    ),
    describe("schema", "error", "Any other schema constraint.", "See the field's description in the schema reference."),
    describe(
        "site-link",
        "error",
        "Every internal link in the built site leads to a page or file.",
        "Fix the link in the page's source (named in the message).",
    ),
    describe(
        "site-anchor",
        "error",
        "Every #fragment in the built site names an element of its page.",
        "Link to an existing heading or element id, or add it.",
    ),
    describe(
        "url-broken",
        "error",
        "A source's URL answers (checked with --external).",
        "Fix the URL, or add an `archive_url` to a copy that still exists.",
    ),
    describe(
        "url-broken-archived",
        "warning",
        "A broken URL has an archived copy (checked with --external).",
        "Update the URL if the document moved; the archive keeps the citation usable meanwhile.",
    ),
    describe(
        "url-unverifiable",
        "warning",
        "A URL that could not be verified (403, 429, 5xx, timeout).",
        "Open it in a browser; if it works, nothing to do.",
    ),
    describe(
        "doc-link",
        "error",
        "A relative link in a hand-written page or a briefing leads to a page or file that exists "
        "or will be generated.",
        "Fix the path (a close match is suggested); paths are relative to the page.",
    ),
    describe(
        "doc-anchor",
        "error",
        "A #fragment in a hand-written page or a briefing names a heading or id of its target page.",
        "Link to an existing heading (its anchor is the heading in lowercase with hyphens).",
    ),
    describe(
        "page-collision",
        "error",
        "No two generated pages take one path (a fact's id is not the name of a section's own page, such as `index`).",
        "Choose another id for the fact and rename its file to match.",
    ),
    describe(
        "doc-fact-reference",
        "error",
        "Fact references (`actor:id`) are used only in briefings.",
        "In a hand-written page, link to the fact's page instead, e.g. `actors/estonia.md`.",
    ),
]
