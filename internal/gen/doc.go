// Package gen renders the templates of `mqtt pub --template`: the payload, the topic and the user
// properties of each message are Go text/template texts, evaluated once per message with functions
// for a message counter, random values, the time, the host and the environment, and JSON building.
//
// Everything that varies between runs (the clock, the random numbers, the host name and the
// environment) comes in through an [Env], so a test with a seeded generator and a fixed clock gets
// the same bytes every time. A [Template] is compiled once and rendered per message with
// [Template.Append], which appends to a caller's buffer; a text without "{{" is copied as is.
//
// The functions are listed, with an example each, by [Funcs]; [Help] formats that list for a
// terminal.
package gen
