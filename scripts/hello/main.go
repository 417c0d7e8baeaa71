// Command hello is the floor a command's start-up is measured against: the
// smallest Go program that prints a line.
package main

import "fmt"

func main() { fmt.Println("hello") }
