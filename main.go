// Command mqtt is the command-line toolkit for MQTT.
package main

import (
	"os"

	"mqtt/cmd"
)

func main() { os.Exit(cmd.Run(os.Args)) }
