package replay

import (
	"errors"
	"testing"
)

func TestRewriteTopic(t *testing.T) {
	for _, tc := range []struct {
		maps   []string
		prefix string
		in     string
		want   string
	}{
		{[]string{"home=flat"}, "", "home", "flat"},
		{[]string{"home=flat"}, "", "home/kitchen/t", "flat/kitchen/t"},
		{[]string{"home=flat"}, "", "homes/kitchen", "homes/kitchen"},
		{[]string{"home=flat"}, "", "my/home", "my/home"},
		{[]string{"home/kitchen=k"}, "", "home/kitchen/t", "k/t"},
		{[]string{"home=a/b"}, "", "home/t", "a/b/t"},
		{[]string{"home="}, "", "home/kitchen/t", "kitchen/t"},
		{[]string{"home="}, "", "home", "home"},
		{[]string{"home="}, "", "home/", "home/"},
		{[]string{"home="}, "", "home//x", "/x"},
		{[]string{"/a=b"}, "", "/a/c", "b/c"},
		{[]string{"a=b=c"}, "", "a/x", "b=c/x"},
		{[]string{"home=first", "home=second"}, "", "home/t", "first/t"},
		{[]string{"home/kitchen=k", "home=h"}, "", "home/hall", "h/hall"},
		{nil, "replay", "a/b", "replay/a/b"},
		{nil, "replay", "/a", "replay//a"},
		{nil, "r/", "a", "r//a"},
		{[]string{"home=flat"}, "replay", "home/t", "replay/flat/t"},
	} {
		var r Rewrite
		for _, s := range tc.maps {
			m, err := ParseTopicMap(s)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			r.Maps = append(r.Maps, m)
		}
		r.Prefix = tc.prefix
		if err := r.Check(); err != nil {
			t.Fatal(err)
		}
		if got := r.Topic(tc.in); got != tc.want {
			t.Errorf("%v prefix %q: %q -> %q, want %q", tc.maps, tc.prefix, tc.in, got, tc.want)
		}
	}
}

func TestParseTopicMapRefuses(t *testing.T) {
	for s, want := range map[string]error{
		"home":     ErrMapSyntax,
		"=flat":    ErrMapEmptyOld,
		"home/+=x": ErrWildcard,
		"home=x/#": ErrWildcard,
	} {
		if _, err := ParseTopicMap(s); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", s, err, want)
		}
	}
	if err := (&Rewrite{Prefix: "+"}).Check(); !errors.Is(err, ErrWildcard) {
		t.Errorf("prefix +: %v", err)
	}
}
