package gen

import "text/template/parse"

// stopCheck is the function checkStopInRanges calls. A text naming it is refused as it is for any
// unknown function: the names are checked before it is added.
const stopCheck = "__stop"

// checkStopInRanges puts {{__stop}} first in the body of every {{range}} under root: text/template
// has no way to interrupt an execution, and a range is the only loop a template has ({{template}},
// which could recurse, is refused).
func checkStopInRanges(root parse.Node) {
	visit(root, func(n parse.Node) {
		r, ok := n.(*parse.RangeNode)
		if !ok {
			return
		}
		call := &parse.IdentifierNode{NodeType: parse.NodeIdentifier, Pos: r.Pos, Ident: stopCheck}
		cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: r.Pos, Args: []parse.Node{call}}
		pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: r.Pos, Line: r.Line, Cmds: []*parse.CommandNode{cmd}}
		action := &parse.ActionNode{NodeType: parse.NodeAction, Pos: r.Pos, Line: r.Line, Pipe: pipe}
		r.List.Nodes = append([]parse.Node{action}, r.List.Nodes...)
	})
}
