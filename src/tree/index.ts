export { VirtualTree, type FileChange } from "./virtual-tree.js";
