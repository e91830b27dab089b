package cmd

import (
	"slices"
	"testing"

	"mqtt/internal/completion"
)

// The table holds only facts that can be true of a flag: a heading that --help shows, one key per
// setting, values and placeholders only for flags that take a value.
func TestConnTable(t *testing.T) {
	keys := map[string]string{}
	for _, f := range connTable {
		name := f.names[0]
		if !slices.Contains(sharedGroups, f.group) {
			t.Errorf("%s: heading %q is not one of --help's", name, f.group)
		}
		if f.key != "" {
			if other, dup := keys[f.key]; dup {
				t.Errorf("%s and %s share the profile key %q", name, other, f.key)
			}
			keys[f.key] = name
		}
		takesValue := f.kind != switchFlag
		if !takesValue && (f.arg != "" || f.path || f.values.Words != nil || f.values.Paths != completion.NoPaths || f.value != "") {
			t.Errorf("%s takes no value but has a placeholder, a path, values or a default", name)
		}
		if f.unsupported != "" && f.group != groupNotSupported && name != "keyform" {
			t.Errorf("%s is refused but listed under %s", name, f.group)
		}
		if (f.destination || f.password) && f.key == "" {
			t.Errorf("%s says where to connect or gives the password, but no profile can set it", name)
		}
	}
	if got := connFlags("5"); len(got) != len(connTable) || got[connIndex(t, "protocol-version")].(interface{ GetValue() string }).GetValue() != "5" {
		t.Error("connFlags: one flag per row, with the command's default version")
	}
}

func connIndex(t *testing.T, name string) int {
	for i, f := range connTable {
		if f.names[0] == name {
			return i
		}
	}
	t.Fatalf("no connection flag %s", name)
	return -1
}
