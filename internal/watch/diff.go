package watch

import "strings"

// maxDiffLines bounds the line diff: it is quadratic in the number of lines.
const maxDiffLines = 400

// DiffLine is one line of a diff: Op is ' ' (in both), '-' (only in the old) or '+' (only in the new).
type DiffLine struct {
	Op   byte
	Text string
}

// lineDiff is the shortest edit from old to new, by lines (a longest common subsequence); ok is false when
// either is too long to compare.
func lineDiff(old, new string) (d []DiffLine, ok bool) {
	a, b := strings.Split(old, "\n"), strings.Split(new, "\n")
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		return nil, false
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			d = append(d, DiffLine{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			d = append(d, DiffLine{'-', a[i]})
			i++
		default:
			d = append(d, DiffLine{'+', b[j]})
			j++
		}
	}
	return d, true
}
