/* The admin's rich-text fields (catalogue/editor.py): a ProseMirror editor from
 * django-prose-editor with exactly the report's structure: paragraphs, line breaks, bold,
 * italics, bulleted and numbered lists, undo. Loaded as a module file: the Content Security
 * Policy allows no inline script, so no import map either; the bundle is imported by its path. */
import {
  Bold,
  Editor,
  BulletList,
  Document,
  Dropcursor,
  Gapcursor,
  HardBreak,
  History,
  Italic,
  ListItem,
  Menu,
  OrderedList,
  Paragraph,
  Text,
  initializeEditors,
} from "../django_prose_editor/editor.js";

const EXTENSIONS = [
  Document,
  Dropcursor,
  Gapcursor,
  Paragraph,
  HardBreak,
  Text,
  History,
  Menu,
  Bold,
  Italic,
  BulletList,
  OrderedList,
  ListItem,
];

/* The package's createTextareaEditor, but with injectCSS off: tiptap would add an inline <style>
 * element (blocked by the policy); static/css/admin-editor.css holds those styles. */
function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new Editor({
    element: wrapper,
    editable: !disabled,
    extensions: EXTENSIONS,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // ProseMirror keeps one empty paragraph in an empty document: store "" then.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
}

initializeEditors(createEditor, "[data-rich-text]");
