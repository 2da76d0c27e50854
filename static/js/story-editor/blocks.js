// What the photo and video blocks share: where a new block goes, a card that shows a block in
// the flow, and moving a block up or down without dragging (WCAG 2.5.7: dragging is never the
// only way).

import { pm } from "django-prose-editor/editor"

import { announce, button, element } from "story-editor/dialogs"

const { NodeSelection } = pm.state

// A block goes between the body's blocks, never inside a paragraph: after the block the cursor is
// in, or in place of the empty paragraph the cursor is in. A paragraph follows a block that ends
// the story, so writing can go on below it.
export function insertBlock(editor, content) {
  const { state } = editor
  const { selection } = state
  const { $from } = selection
  let range
  if (selection instanceof NodeSelection && $from.depth === 0) {
    range = { from: selection.to, to: selection.to }
  } else if ($from.depth === 0) {
    range = { from: $from.pos, to: $from.pos }
  } else {
    const top = $from.node(1)
    const emptyParagraph = top.type.name === "paragraph" && top.content.size === 0
    range = emptyParagraph ? { from: $from.before(1), to: $from.after(1) } : { from: $from.after(1), to: $from.after(1) }
  }
  const atTheEnd = range.to === state.doc.content.size
  const inserted = atTheEnd ? [content, { type: "paragraph" }] : [content]
  editor.chain().insertContentAt(range, inserted).run()
  editor.view.focus() // at once, the caret after the block
  return range.from
}

function sibling(editor, pos, step) {
  const $pos = editor.state.doc.resolve(pos)
  const index = $pos.index() + step
  return index >= 0 && index < $pos.parent.childCount ? $pos.parent.child(index) : null
}

function describe(node) {
  if (!node) return ""
  if (node.type.name === "photo") return "a photo"
  if (node.type.name === "video") return "a video"
  const text = node.textContent.trim()
  return text ? `“${text.length > 60 ? `${text.slice(0, 60)}…` : text}”` : "an empty paragraph"
}

// Moves the block at `pos` past its neighbour above (step -1) or below (+1); returns where it
// went, or null when it is already first or last.
export function moveBlock(editor, pos, step) {
  const node = editor.state.doc.nodeAt(pos)
  const neighbour = sibling(editor, pos, step)
  if (!node || !neighbour) return null
  const target = step < 0 ? pos - neighbour.nodeSize : pos + neighbour.nodeSize
  const tr = editor.state.tr.delete(pos, pos + node.nodeSize).insert(target, node)
  tr.setSelection(NodeSelection.create(tr.doc, target)).scrollIntoView()
  editor.view.dispatch(tr)
  announce(`Moved ${step < 0 ? "above" : "below"} ${describe(neighbour)}.`)
  return target
}

// The card a block shows in the editor: what it is, its details, and its buttons. `actions` are
// [text, handler] pairs shown before Move up, Move down and Remove.
export class BlockCard {
  constructor({ kind, editor, getPos, actions }) {
    this.editor = editor
    this.getPos = getPos
    this.titleId = `${kind}-block-${Math.random().toString(36).slice(2, 9)}`
    this.details = element("div", { class: "story-block__details" })
    this.picture = element("div", { class: "story-block__picture" })
    const buttons = [...actions, ["Move up", () => this.move(-1)], ["Move down", () => this.move(1)], ["Remove", () => this.remove()]]
    this.buttons = element(
      "div",
      { class: "story-block__actions" },
      buttons.map(([text, handler]) => {
        const control = button(text, { "aria-describedby": this.titleId, "data-action": text })
        control.addEventListener("click", (event) => {
          event.preventDefault()
          handler(control)
        })
        return control
      }),
    )
    this.dom = element("div", { class: `story-block story-block--${kind}`, contenteditable: "false" }, [
      this.picture,
      this.details,
      this.buttons,
    ])
  }

  move(step) {
    const pos = this.getPos()
    const action = step < 0 ? "Move up" : "Move down"
    const moved = moveBlock(this.editor, pos, step)
    if (moved === null) {
      announce(step < 0 ? "Already the first block." : "Already the last block.")
      return
    }
    // The block is drawn anew where it went: keep the keyboard on the same button there.
    this.editor.view.nodeDOM(moved)?.querySelector(`[data-action="${action}"]`)?.focus()
  }

  remove() {
    const pos = this.getPos()
    const node = this.editor.state.doc.nodeAt(pos)
    this.editor.chain().focus().deleteRange({ from: pos, to: pos + node.nodeSize }).run()
    announce("Removed from the story.")
  }

  // Events on the card's own buttons and links are theirs, not the editor's.
  stopEvent(event) {
    return Boolean(event.target.closest?.("button, a, input, textarea, select"))
  }

  selectNode() {
    this.dom.classList.add("is-selected")
  }

  deselectNode() {
    this.dom.classList.remove("is-selected")
  }
}
