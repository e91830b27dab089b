// Package bench is the home of everything `mqtt bench` measures that is not MQTT. It holds no code of its own;
// its sub-packages compose the way vegeta's do (attack | report): the engine publishes and receives, these
// packages turn what happened into data, and reporting is a separate step over that data.
//
//	schedule  when each message is due (open loop: a late publisher sends its backlog, it never slows down)
//	header    the fixed binary header at the start of each payload (run, publisher, sequence, two times)
//	latency   striped HDR-histogram recorders: cheap on the hot path, merged when read
//	seqtrack  loss, duplicates and reordering from sequence numbers, in bounded memory per publisher
//	result    the run as data (settings, counters, histograms, CPU): JSON, CSV, merge of shards
//	summary   the final text summary, the live line and the progress display
//	gate      --assert expressions: parse once, evaluate over a result
//	shard     splitting clients and rate across processes, and the start time they share
//	metrics   a Prometheus /metrics view of a running bench
//	template  topic and client-id templates (%i, %c, %s)
//	cpuuse    the process's own CPU time, to tell when the tool is the bottleneck
//
// Nothing here knows a flag's name: everything is driven by options structs that the command fills in.
package bench
