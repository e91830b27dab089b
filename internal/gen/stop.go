package gen

import "text/template/parse"

// stopCheck is the function checkStopInRanges calls. A text naming it is refused as it is for any
// unknown function: the names are checked before it is added.
const stopCheck = "__stop"

// checkStopInRanges puts {{stop check}} first in the body of every {{range}} under n: text/template
// has no way to interrupt an execution, and a range is the only loop a template has ({{template}},
// which could recurse, is refused).
func checkStopInRanges(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			checkStopInRanges(c)
		}
	case *parse.RangeNode:
		call := &parse.IdentifierNode{NodeType: parse.NodeIdentifier, Pos: n.Pos, Ident: stopCheck}
		cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{call}}
		pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: n.Pos, Line: n.Line, Cmds: []*parse.CommandNode{cmd}}
		action := &parse.ActionNode{NodeType: parse.NodeAction, Pos: n.Pos, Line: n.Line, Pipe: pipe}
		checkStopInRanges(n.List)
		checkStopInRanges(n.ElseList)
		n.List.Nodes = append([]parse.Node{action}, n.List.Nodes...)
	case *parse.IfNode:
		checkStopInRanges(n.List)
		checkStopInRanges(n.ElseList)
	case *parse.WithNode:
		checkStopInRanges(n.List)
		checkStopInRanges(n.ElseList)
	}
}
