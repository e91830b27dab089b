package format

import (
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

// strftimeConvs are all the conversions glibc offers, in the order of the expected strings below.
const strftimeConvs = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%"

// The expected strings are glibc's own strftime (the one mosquitto_sub calls), run through Python's
// time.strftime with TZ set, for instants the live test cannot choose: single-digit days and hours, noon and
// midnight, ISO weeks that belong to the neighbouring year, day 366, Sundays, negative and half-hour offsets.
var strftimeCases = []struct {
	zone string
	unix int64
	want string
}{
	{zone: "Asia/Kolkata", unix: 1704402245, want: "Fri|Friday|Jan|January|Fri Jan  5 02:34:05 2024|20|05|01/05/24| 5|2024-01-05|24|2024|Jan|02|02|005| 2| 2|01|34|\n|AM|am|02:34:05 AM|02:34|1704402245|05|\t|02:34:05|5|00|01|5|01|01/05/24|02:34:05|24|2024|+0530|IST|%"},
	{zone: "UTC", unix: 1609459200, want: "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2021|20|01|01/01/21| 1|2021-01-01|20|2020|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|1609459200|00|\t|00:00:00|5|00|53|5|00|01/01/21|00:00:00|21|2021|+0000|UTC|%"},
	{zone: "UTC", unix: 1735560000, want: "Mon|Monday|Dec|December|Mon Dec 30 12:00:00 2024|20|30|12/30/24|30|2024-12-30|25|2025|Dec|12|12|365|12|12|12|00|\n|PM|pm|12:00:00 PM|12:00|1735560000|00|\t|12:00:00|1|52|01|1|53|12/30/24|12:00:00|24|2024|+0000|UTC|%"},
	{zone: "America/St_Johns", unix: 1735702199, want: "Tue|Tuesday|Dec|December|Tue Dec 31 23:59:59 2024|20|31|12/31/24|31|2024-12-31|25|2025|Dec|23|11|366|23|11|12|59|\n|PM|pm|11:59:59 PM|23:59|1735702199|59|\t|23:59:59|2|52|01|2|53|12/31/24|23:59:59|24|2024|-0330|NST|%"},
	{zone: "America/New_York", unix: 1720371909, want: "Sun|Sunday|Jul|July|Sun Jul  7 13:05:09 2024|20|07|07/07/24| 7|2024-07-07|24|2024|Jul|13|01|189|13| 1|07|05|\n|PM|pm|01:05:09 PM|13:05|1720371909|09|\t|13:05:09|7|27|27|0|27|07/07/24|13:05:09|24|2024|-0400|EDT|%"},
	{zone: "UTC", unix: 921371400, want: "Sun|Sunday|Mar|March|Sun Mar 14 00:30:00 1999|19|14|03/14/99|14|1999-03-14|99|1999|Mar|00|12|073| 0|12|03|30|\n|AM|am|12:30:00 AM|00:30|921371400|00|\t|00:30:00|7|11|10|0|10|03/14/99|00:30:00|99|1999|+0000|UTC|%"},
	{zone: "Europe/Berlin", unix: 1798963749, want: "Sun|Sunday|Jan|January|Sun Jan  3 09:09:09 2027|20|03|01/03/27| 3|2027-01-03|26|2026|Jan|09|09|003| 9| 9|01|09|\n|AM|am|09:09:09 AM|09:09|1798963749|09|\t|09:09:09|7|01|53|0|00|01/03/27|09:09:09|27|2027|+0100|CET|%"},
}

func TestStrftime(t *testing.T) {
	parts := make([]string, len(strftimeConvs))
	for i, c := range []byte(strftimeConvs) {
		parts[i] = "@" + string(c)
	}
	spec := strings.Join(parts, "|")
	for _, tc := range strftimeCases {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Compile(spec, Options{NoEOL: true, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.Append(nil, &message.Message{Received: time.Unix(tc.unix, 0)})
		if string(got) != tc.want {
			t.Errorf("%s %d\n got %q\nwant %q", tc.zone, tc.unix, got, tc.want)
		}
	}
}

// TestTimeHelpers pins %I, %U, @N and the "tst" of %j for a time with few nanoseconds, where zero padding shows.
func TestTimeHelpers(t *testing.T) {
	loc, err := time.LoadLocation("America/St_Johns")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compile("%I|%U|@N|%j", Options{NoEOL: true, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	m := &message.Message{Topic: "t", Payload: []byte("p"), Received: time.Unix(1704402245, 7042)}
	got, _ := f.Append(nil, m)
	want := `2024-01-04T17:34:05-0330|1704402245.000007042|000007042|{"tst":"2024-01-04T17:34:05.000007Z-0330",` +
		`"topic":"t","qos":0,"retain":0,"payloadlen":1,"payload":"p"}`
	if string(got) != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}
