package sparkplug

import "strings"

// Namespace is the first level of every Sparkplug B topic.
const Namespace = "spBv1.0"

// Topic is a Sparkplug B topic split into its parts: spBv1.0/GROUP/TYPE/EDGE[/DEVICE], or
// spBv1.0/STATE/HOST for a host application's state.
type Topic struct {
	Group, Type, EdgeNode, Device string
	HostID                        string // STATE only
}

// ParseTopic splits a Sparkplug B topic; ok is false for any other topic.
func ParseTopic(topic string) (t Topic, ok bool) {
	rest, ok := strings.CutPrefix(topic, Namespace+"/")
	if !ok {
		return Topic{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) == 2 && parts[0] == "STATE" {
		return Topic{Type: "STATE", HostID: parts[1]}, parts[1] != ""
	}
	if len(parts) < 3 || len(parts) > 4 || parts[0] == "" || parts[2] == "" {
		return Topic{}, false
	}
	t = Topic{Group: parts[0], Type: parts[1], EdgeNode: parts[2]}
	if len(parts) == 4 {
		if parts[3] == "" {
			return Topic{}, false
		}
		t.Device = parts[3]
	}
	switch t.Type {
	case "NBIRTH", "NDEATH", "NDATA", "NCMD":
		return t, t.Device == ""
	case "DBIRTH", "DDEATH", "DDATA", "DCMD":
		return t, t.Device != ""
	}
	return Topic{}, false
}

// IsTopic says whether topic is in the Sparkplug B namespace, as --decode auto asks.
func IsTopic(topic string) bool { return strings.HasPrefix(topic, Namespace+"/") }
