package result

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Merge combines the results of the shards of one run into one: histograms added, counters summed,
// per-client lists concatenated (ordered by role and client index), receivers of the same name (a $share
// group split over shards) summed, and the counted span from the earliest start to the latest end. Results
// whose settings differ, or that hold the same shard twice, are an error: adding them would count something
// twice or mix two runs. The inputs are not changed.
func Merge(rs ...*Result) (*Result, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	out := &Result{Version: Version, Settings: rs[0].Settings, Start: rs[0].Start, End: rs[0].End}
	seen := map[int]int{}
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("result %d: %w", i+1, err)
		}
		if field := settingsDiffer(rs[0].Settings, r.Settings); field != "" {
			return nil, fmt.Errorf("result %d: setting %s differs from result 1's: not shards of one run", i+1, field)
		}
		for _, s := range r.Shards {
			if j, dup := seen[s.Index]; dup {
				return nil, fmt.Errorf("result %d: shard %d/%d is also in result %d", i+1, s.Index, r.Settings.Shards, j+1)
			}
			seen[s.Index] = i
			out.Shards = append(out.Shards, s)
		}
		if r.Start.Before(out.Start) {
			out.Start = r.Start
		}
		if r.End.After(out.End) {
			out.End = r.End
		}
		for _, ro := range r.Roles {
			if err := out.mergeRole(ro); err != nil {
				return nil, fmt.Errorf("result %d: %w", i+1, err)
			}
		}
	}
	slices.SortFunc(out.Shards, func(a, b Shard) int { return a.Index - b.Index })
	for i := range out.Roles {
		slices.SortStableFunc(out.Roles[i].Clients, func(a, b Client) int { return a.Index - b.Index })
	}
	return out, nil
}

func (r *Result) mergeRole(from Role) error {
	to := r.Role(from.Name)
	if to == nil {
		r.Roles = append(r.Roles, Role{Name: from.Name})
		to = &r.Roles[len(r.Roles)-1]
	}
	to.Clients = append(to.Clients, from.Clients...)
	for _, rc := range from.Receivers {
		if i := slices.IndexFunc(to.Receivers, func(x Receiver) bool { return x.Name == rc.Name }); i >= 0 {
			if !reflect.DeepEqual(to.Receivers[i].Expect, rc.Expect) {
				return fmt.Errorf("receiver %s expects other publishers in another shard", rc.Name)
			}
			to.Receivers[i].Add(rc.Counts)
			continue
		}
		to.Receivers = append(to.Receivers, rc)
	}
	for metric, h := range from.Histograms {
		sum := to.Histograms[metric]
		if sum == nil {
			sum = Wrap(h.Clone())
			to.SetHistogram(metric, sum, 0)
		} else if dropped := sum.Merge(h.Histogram); dropped > 0 {
			return fmt.Errorf("histogram %s of role %s: %d values outside the range", metric, from.Name, dropped)
		}
	}
	for metric, n := range from.Clamped {
		if to.Clamped == nil {
			to.Clamped = map[string]int64{}
		}
		to.Clamped[metric] += n
	}
	return nil
}

// settingsDiffer names the first field in which a and b differ, or returns "".
func settingsDiffer(a, b Settings) string {
	if !a.StartAt.Equal(b.StartAt) {
		return "start_at"
	}
	a.StartAt, b.StartAt = time.Time{}, time.Time{}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() == reflect.Map && fa.Len() == 0 && fb.Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			name, _, _ := strings.Cut(va.Type().Field(i).Tag.Get("json"), ",")
			return name
		}
	}
	return ""
}
