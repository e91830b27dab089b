package cmd

import (
	"errors"

	"mqtt/internal/topic"
)

// topicNoun is the kind of topic each refusal names, as mosquitto's messages do ("Invalid will topic").
var topicNoun = map[msgID]string{
	errPubTopic: "publish", errRRResponseTopic: "response", errWillTopic: "will",
	errSubFilter: "subscription", errSubFilterOut: "filter", errSubUnsubscribe: "unsubscribe",
}

// checkTopic validates t as a topic to publish to, or as a filter, and words a refusal. option is how
// mosquitto names the argument in its UTF-8 message (-t, -L topic, -e, -T, -U, --will-topic); invalid
// is the message for misplaced wildcards, mosquitto's own. Where mosquitto's message would mislead (an
// empty topic is not refused for its wildcards; one past 65535 bytes is not malformed UTF-8, and
// quoting it fills the screen), the message says what is wrong.
func checkTopic(t string, filter bool, option string, invalid msgID) *problem {
	if len(t) > topic.MaxLen {
		return usageErr(errTopicTooLong, topicNoun[invalid], len(t))
	}
	var err error
	if filter {
		err = topic.ValidateFilter(t)
	} else {
		err = topic.ValidatePublish(t)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, topic.ErrMalformedUTF8):
		at, what, _ := topic.FirstInvalid(t)
		return usageErr(errTopicUTF8, option, what, at)
	case errors.Is(err, topic.ErrEmpty):
		return usageErr(errTopicEmpty, topicNoun[invalid])
	}
	return usageErr(invalid, t)
}
