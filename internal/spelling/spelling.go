// Package spelling finds the word that a misspelt one was most likely meant to be, for the "did you
// mean" of an error message.
package spelling

import "strings"

// Nearest is the candidate closest to word, ignoring case: one edit away for words of up to five bytes,
// two for longer ones (more would make any short name look like any other), where swapping two
// neighbouring letters is one edit. Ties go to the candidate that sorts first. ok is false when no
// candidate is that close.
func Nearest(word string, candidates []string) (best string, ok bool) {
	lw := strings.ToLower(word)
	limit := min(max(1, len(word)/3), 2)
	bestDist := limit + 1
	for _, c := range candidates {
		d := Distance(lw, strings.ToLower(c))
		if d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best, bestDist <= limit
}

// Distance is the number of edits (insert, delete or change a byte, or swap two neighbouring bytes)
// that turn a into b: the optimal string alignment distance.
func Distance(a, b string) int {
	// Three rows of the table: two back, one back and the current one.
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		twoBack, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], twoBack[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, twoBack
	}
	return rows[1][len(b)]
}
