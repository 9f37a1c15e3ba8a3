// Shows raw HTML in a message as the text it is instead of dropping it: a user who writes
// `<img src=x onerror=…>` sees exactly that, and nothing of it is ever parsed as HTML.
type MdNode = { type: string; value?: string; children?: MdNode[] };

function convert(node: MdNode): void {
  if (node.type === "html") node.type = "text";
  node.children?.forEach(convert);
}

export function remarkHtmlAsText() {
  return (tree: MdNode) => convert(tree);
}
