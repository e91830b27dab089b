package gen

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
)

// A random walk is the one function with a memory: each {{walk}} in a template continues from the value it
// gave for the message before, as a sensor's reading drifts rather than jumping. Text/template does not tell
// a function where it was called from, so Compile renames each occurrence of walk in the parse tree to a name
// of its own (walk_1, walk_2, ...) bound to that site's state; the error texts name it walk again.

// walkSite is the state of one {{walk}} in a template.
type walkSite struct {
	started bool
	value   float64
}

// walkName is the name the n-th walk in a template is bound to; walkNameRE finds such names in error texts.
func walkName(n int) string { return "walk_" + strconv.Itoa(n) }

var walkNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bwalk_[0-9]+\b`) })

// bindWalks gives each walk in the tree a function of its own in funcs.
func (s *state) bindWalks(root parse.Node, funcs template.FuncMap) {
	visit(root, func(n parse.Node) {
		id, ok := n.(*parse.IdentifierNode)
		if !ok || id.Ident != "walk" {
			return
		}
		site := len(s.walks)
		s.walks = append(s.walks, walkSite{})
		id.Ident = walkName(site + 1)
		funcs[id.Ident] = func(start, step float64, bounds ...float64) (number, error) {
			return s.walk(site, start, step, bounds)
		}
	})
}

// walk is {{walk START STEP [MIN MAX]}}: START the first time, then the value before plus a random step of
// at most STEP either way, kept within MIN and MAX by bouncing off them, and rounded to as many decimals as
// START and STEP have, so that 21.5 and 0.3 give 21.7, never 21.700000000000003.
func (s *state) walk(site int, start, step float64, bounds []float64) (number, error) {
	const fn = "walk"
	if math.IsInf(start, 0) || math.IsNaN(start) || math.IsInf(step, 0) || !(step >= 0) {
		return 0, errf(fn, "START must be a number and STEP a number from 0, not %v and %v", start, step)
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	switch len(bounds) {
	case 0:
	case 2:
		lo, hi = bounds[0], bounds[1]
		if !(lo <= start && start <= hi) {
			return 0, errf(fn, "START %v must be from MIN %v to MAX %v", start, lo, hi)
		}
	default:
		return 0, errf(fn, "takes START STEP and optionally MIN MAX, got %d arguments", 2+len(bounds))
	}
	w := &s.walks[site]
	if !w.started {
		w.started, w.value = true, start
		return number(start), nil
	}
	v := w.value + step*(2*s.rand.Float64()-1)
	if v > hi {
		v = 2*hi - v
	}
	if v < lo {
		v = 2*lo - v
	}
	v = min(max(v, lo), hi)
	scale := math.Pow10(max(decimals(start), decimals(step)))
	if r := math.Round(v*scale) / scale; r >= lo && r <= hi {
		v = r
	}
	w.value = v
	return number(v), nil
}

// decimals is how many digits x has after the point, written as briefly as it reads back (0.3 has 1), at
// most 15.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok {
		return min(len(frac), 15)
	}
	return 0
}

// resetWalks forgets every walk's last value, so that the trial rendering leaves no trace.
func (s *state) resetWalks() {
	for i := range s.walks {
		s.walks[i] = walkSite{}
	}
}

// walkNames undoes bindWalks' renaming in a message meant for the user.
func walkNames(msg string) string {
	if !strings.Contains(msg, "walk_") {
		return msg
	}
	return walkNameRE().ReplaceAllString(msg, "walk")
}

// unboundWalk stands for walk in the function map until bindWalks gives each call its own function; a
// template never calls it.
func unboundWalk(start, step float64, bounds ...float64) (number, error) {
	return 0, errf("walk", "not bound to a place in the template")
}
