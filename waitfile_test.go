package main

import (
	"os"
	"regexp"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWaitFile waits for a file that a background command writes to match a regular expression
// (multi-line: ^ and $ match at each line):
//
//	waitfile FILE REGEX   within 20 s, or the script fails
//
// A background command's stdout is only seen once it ends; a script that must act while it runs
// (kill the broker once a subscriber has had some of a stream) has it write to a file instead.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfile FILE REGEX")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		if re.Match(data) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s does not match %q after 20s; it holds %d bytes", args[0], args[1], len(data))
		}
		time.Sleep(10 * time.Millisecond) // a file that grows sends no signal
	}
}
