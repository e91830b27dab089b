package format

// Topics use 256-colour mid-tones: each has a contrast ratio of at least 3 against both a black and a white
// background (the palette's test checks it), where the 16 basic colours depend on the theme and yellow, white
// and black vanish on one background or the other.
//
// The palette is in the order topics get its colours: each colour is the one farthest in hue from all before
// it, so the first two topics are 180° apart and any seven of a stream are at least 38° apart. A hash of the
// topic would keep a topic's colour from run to run, but with a handful of colours it gives two of seven topics
// the same one more often than not (the birthday problem), and telling topics apart is what the colour is for.
var prettyPalette = [...]string{
	"38;5;160", // red          #d70000   0°
	"38;5;30",  // teal         #008787 180°
	"38;5;129", // violet       #af00ff 281°
	"38;5;64",  // yellow-green #5f8700  78°
	"38;5;28",  // green        #008700 120°
	"38;5;63",  // indigo       #5f5fff 240°
	"38;5;162", // pink         #d70087 322°
	"38;5;136", // ochre        #af8700  46°
	"38;5;32",  // blue         #0087d7 202°
	"38;5;166", // orange       #d75f00  27°
	"38;5;127", // magenta      #af00af 300°
}

// topicColors gives each topic a palette colour in the order topics first appear, and keeps it while the topic
// is among the len(prettyPalette) most recently seen. A topic new when every colour is held takes the colour of
// the one seen longest ago. The table is fixed in size, so a stream of endless topics costs no memory, and the
// topic bytes are copied into buffers reused from topic to topic, so it allocates only while they grow.
type topicColors struct {
	slot [len(prettyPalette)]struct {
		topic []byte
		seen  uint64 // 0: free
	}
	clock uint64
}

// of returns topic's colour, assigning one if it has none.
func (c *topicColors) of(topic string) string {
	c.clock++
	oldest := 0
	for i := range c.slot {
		s := &c.slot[i]
		if s.seen == 0 {
			oldest = i // free colours are taken in palette order, so the first free one is the next in order
			break
		}
		if string(s.topic) == topic {
			s.seen = c.clock
			return prettyPalette[i]
		}
		if s.seen < c.slot[oldest].seen {
			oldest = i
		}
	}
	s := &c.slot[oldest]
	s.topic = append(s.topic[:0], topic...)
	s.seen = c.clock
	return prettyPalette[oldest]
}
