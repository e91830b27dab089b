package gen

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"mqtt/internal/spelling"
)

// Errors start with "template NAME", then where in the text (a column, and a line too when the
// text has several), then what is wrong: text/template's own "template: -m:1:14: executing ..."
// speaks to a Go programmer, not to someone typing a payload.

// errorAt words an error at byte offset off of text; off < 0 means no known position.
func errorAt(name, text string, off int, format string, args ...any) error {
	return fmt.Errorf("template %s%s: %s", name, where(text, off), fmt.Sprintf(format, args...))
}

// where says " at column C" (or " at line L, column C") for byte offset off, counting columns in
// characters so that a "ü" before the error does not shift it.
func where(text string, off int) string {
	if off < 0 || off > len(text) {
		return ""
	}
	start := strings.LastIndexByte(text[:off], '\n') + 1
	col := utf8.RuneCountInString(text[start:off]) + 1
	if !strings.Contains(text, "\n") {
		return fmt.Sprintf(" at column %d", col)
	}
	return fmt.Sprintf(" at line %d, column %d", strings.Count(text[:off], "\n")+1, col)
}

// lineOffset is the byte offset of line (from 1) and byte column col (from 0), or -1.
func lineOffset(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	if off+col > len(text) {
		return -1
	}
	return off + col
}

// parseError rewords "template: NAME:LINE: MESSAGE" from the parser. The parser gives no column.
func parseError(name, text string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: "+name+":")
	line, rest, ok := strings.Cut(msg, ": ")
	n, convErr := strconv.Atoi(line)
	if !ok || convErr != nil {
		return fmt.Errorf("template %s: %s", name, strings.TrimPrefix(err.Error(), "template: "))
	}
	if strings.Contains(text, "\n") {
		return fmt.Errorf("template %s at line %d: %s", name, n, rest)
	}
	return fmt.Errorf("template %s: %s", name, rest)
}

// wrapError rewords an error of Execute, which reads
// "template: NAME:LINE:COL: executing "NAME" at <CALL>: MESSAGE".
func (t *Template) wrapError(err error) error {
	if errors.Is(err, ErrStopped) {
		return ErrStopped
	}
	if errors.Is(err, errTooLarge) {
		return fmt.Errorf("template %s: the output is larger than %d bytes", t.name, t.st.env.MaxSize)
	}
	var fe *funcError
	isFunc := errors.As(err, &fe)
	msg, ok := strings.CutPrefix(err.Error(), "template: "+t.name+":")
	if !ok {
		return fmt.Errorf("template %s: %w", t.name, err)
	}
	off := -1
	if l, rest, ok := strings.Cut(msg, ":"); ok {
		if c, rest, ok := strings.Cut(rest, ": "); ok {
			line, err1 := strconv.Atoi(l)
			col, err2 := strconv.Atoi(c)
			if err1 == nil && err2 == nil {
				off, msg = lineOffset(t.text, line, col), rest
			}
		}
	}
	call := ""
	if rest, ok := strings.CutPrefix(msg, "executing "+strconv.Quote(t.name)+" at <"); ok {
		if c, m, ok := strings.Cut(rest, ">: "); ok {
			call, msg = c, m
		}
	}
	if isFunc {
		msg = fe.msg
	}
	call, msg = walkNames(call), walkNames(msg)
	if call != "" {
		msg = "{{" + call + "}}: " + msg
	}
	return &renderError{msg: errorAt(t.name, t.text, off, "%s", msg).Error(), err: err}
}

// renderError keeps the reworded message and unwraps to text/template's error.
type renderError struct {
	msg string
	err error
}

func (e *renderError) Error() string { return e.msg }
func (e *renderError) Unwrap() error { return e.err }

// builtins are text/template's predefined functions, which a template may use besides ours.
var builtins = []string{
	"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
	"println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
}

// checkNames reports the first unknown function, {{template}} call or defined template in the tree.
func checkNames(name, text string, root *parse.ListNode, funcs template.FuncMap) error {
	var err error
	visit(root, func(n parse.Node) {
		if err != nil {
			return
		}
		switch n := n.(type) {
		case *parse.TemplateNode:
			// The node's position is after the name; point at the action instead.
			err = errorAt(name, text, strings.LastIndex(text[:n.Position()], "{{"), "{{template}} is not supported")
		case *parse.IdentifierNode:
			if _, ok := funcs[n.Ident]; !ok && !slices.Contains(builtins, n.Ident) {
				err = errorAt(name, text, int(n.Position()), "function %q is not defined%s",
					n.Ident, suggest(n.Ident, funcs))
			}
		}
	})
	return err
}

// visit calls f for n and every node below it, in the order of the text.
func visit(n parse.Node, f func(parse.Node)) {
	if n == nil {
		return
	}
	f(n)
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				visit(c, f)
			}
		}
	case *parse.ActionNode:
		visit(n.Pipe, f)
	case *parse.IfNode:
		visit(&n.BranchNode, f)
	case *parse.RangeNode:
		visit(&n.BranchNode, f)
	case *parse.WithNode:
		visit(&n.BranchNode, f)
	case *parse.BranchNode:
		visit(n.Pipe, f)
		visit(n.List, f)
		if n.ElseList != nil {
			visit(n.ElseList, f)
		}
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				visit(c, f)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			visit(a, f)
		}
	case *parse.ChainNode:
		visit(n.Node, f)
	}
}

// suggest offers the known function closest to a misspelt one: same letters in another case, or
// an edit or two away.
func suggest(bad string, funcs template.FuncMap) string {
	names := slices.Collect(maps.Keys(funcs))
	best, ok := spelling.Nearest(bad, append(names, builtins...))
	if !ok {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}
