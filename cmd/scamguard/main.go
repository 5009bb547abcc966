// Command scamguard warns people while a suspicious "customer service"
// conversation is happening. Subcommands: check (classify a conversation from
// a file or stdin), eval (score labelled corpora), bot (the Telegram bot),
// webhook (register the bot's webhook with Telegram, once), export.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `scamguard — warns about customer-service scams before money moves

usage:
  scamguard check [--json] [--lang auto|zh|zh-Hant|en] [--region CC] [--no-llm] [FILE|-]
  scamguard check --batch [--no-llm] [FILE|-]
  scamguard eval [--json] [--errors N] [--no-llm] FILE.jsonl...
  scamguard bot [--help]   (needs TELEGRAM_BOT_TOKEN; see scamguard bot --help)
  scamguard webhook set|delete|info   (register the webhook once; see scamguard webhook --help)
  scamguard export         (moderators' decided cases as corpus JSON Lines; needs REDIS_URL)

check reads a conversation: a JSON object {"messages":[{"from":"other"|"user","text":"..."}]}
or plain text, one message from the other party per line ("me:" or "我:" marks your own lines).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (0 whatever the
// verdict, 2 for unusable input or arguments).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdin, stdout, stderr)
	case "eval":
		return runEval(args[1:], stdout, stderr)
	case "bot":
		return runBot(args[1:], stdout, stderr)
	case "webhook":
		return runWebhook(args[1:], stdout, stderr)
	case "export":
		return runExport(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "scamguard: unknown command %q\n\n%s", args[0], usage)
	return 2
}
