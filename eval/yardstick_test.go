package eval

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/scamguard/scamguard/detect"
)

// The yardstick (testdata/yardstick) was written blind by a helper who never
// read signals.yaml, from public advisories, before the classifier was
// tuned against it: 191 live conversations (98 scams, 93 honest
// look-alikes; zh, zh-Hant, en; 35 pasted transcripts) and 43 framed ones
// (retold, warning, question). First score, heuristics at acf8f08: recall
// 74.5%, scam level 37.8%, false alarms 5.4% (1.1% at scam level), early
// 69.4%; retold and warning frames warned on 18.8%. These floors keep what
// the classifier issue reached.
var yardstickTargets = []target{
	{"yardstick.jsonl", "recall", 0.95, false},
	{"yardstick.jsonl", "scam_recall", 0.79, false},
	{"yardstick.jsonl", "false_alarm", 0.03, true},
	{"yardstick.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick.jsonl", "early", 0.90, false},
	{"frames.jsonl", "false_alarm", 0.03, true},
	{"frames.jsonl", "false_alarm_scam", 0.0, true},
	{"frames.jsonl", "frame", 0.90, false},
	{"frames.jsonl", "recall", 0.80, false},
	// yardstick2.jsonl: 209 conversations (178 live, 31 framed) written
	// blind by a second helper, scored on arrival at 6071628 (the commit
	// before it was read): recall 70.8%, scam level 52.8%, false alarms
	// 11.7% (1.9% at scam level), early 69.8%, frames 87.1%. The
	// acf8f08 engine scored 63.2% / – / 11.7% / 1.9%.
	{"yardstick2.jsonl", "recall", 0.88, false},
	{"yardstick2.jsonl", "scam_recall", 0.73, false},
	{"yardstick2.jsonl", "false_alarm", 0.04, true},
	{"yardstick2.jsonl", "false_alarm_scam", 0.01, true}, // y2-158: a code sent to the user, asked about as "沒問題吧"
	{"yardstick2.jsonl", "frame", 0.92, false},
	// yardstick3.jsonl: 185 conversations (155 live, 30 framed) written
	// blind by a third helper; first score 76.7%, 51.1%, 10.5% (2.1% at
	// scam level). Its errors were read from the session of 2026-12-07 on
	// (after yardstick4 was written blind): now a dev set.
	{"yardstick3.jsonl", "recall", 0.92, false},
	{"yardstick3.jsonl", "scam_recall", 0.79, false},
	{"yardstick3.jsonl", "false_alarm", 0.04, true},
	{"yardstick3.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick4.jsonl: 180 conversations (126 live, 54 framed: 18 retold,
	// 15 warning, 21 question) written blind by a fourth helper on
	// 2026-12-07 before any tuning that day. First score at 852ceea: recall
	// 76.7%, scam level 50.0%, false alarms 12.2% (5.6% at scam level),
	// early 72.2%, frames 80.6%. Scored once more after the day's scope,
	// frame and mechanism work (a39a8da, still unseen): 84.4%, 58.9%,
	// 14.4% (5.6%), 77.8%, 78.9%. Its errors were read after that: a dev
	// set from then on.
	{"yardstick4.jsonl", "recall", 0.95, false},
	{"yardstick4.jsonl", "scam_recall", 0.70, false},
	{"yardstick4.jsonl", "false_alarm", 0.05, true},
	{"yardstick4.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick5.jsonl: 204 conversations (144 live, 60 framed) written
	// blind by a fifth helper on 2026-12-07. Blind scores: 852ceea 77.5%
	// recall, 57.8% at scam, 9.8% false alarms (2.9% at scam level);
	// c540687 80.4%, 63.7%, 9.8% (2.0%); 6a9612a 80.4%, 64.7%, 9.8% (2.0%).
	// Its errors were read in the second session of 2026-12-07 (mechanisms:
	// cards mailed, ATM by phone, pay to withdraw, fake cheques, money sent
	// back to a named account, scratched cards photographed): a dev set now.
	{"yardstick5.jsonl", "recall", 0.97, false},
	{"yardstick5.jsonl", "scam_recall", 0.76, false},
	{"yardstick5.jsonl", "false_alarm", 0.09, true},
	{"yardstick5.jsonl", "false_alarm_scam", 0.021, true},
	// yardstick6.jsonl: 228 conversations (168 live, 60 framed; 97 scams,
	// 131 honest) written blind by a sixth helper in the second session of
	// 2026-12-07. Blind scores: 6a9612a (start of that session) 69.1%
	// recall, 46.4% at scam, 6.1% false alarms (1.5% at scam level), early
	// 54.6%, frames 85.5%; 3519e89 (after the yardstick5 mechanisms, still
	// unseen) 71.1%, 51.5%, 6.1% (1.5%). Its errors were read after that
	// (codes "sent by mistake", cash handed to couriers, guided online
	// banking, new payees, marketplace fee dodging, rentals nobody may see):
	// a dev set now.
	{"yardstick6.jsonl", "recall", 0.86, false},
	{"yardstick6.jsonl", "scam_recall", 0.64, false},
	{"yardstick6.jsonl", "false_alarm", 0.04, true},
	{"yardstick6.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick7.jsonl: 234 conversations (168 live, 66 framed; 99 scams,
	// 135 honest) written blind by a seventh helper in the same session.
	// Blind scores: 6a9612a 66.7% recall, 49.5% at scam, 8.9% false alarms
	// (0.0% at scam level), early 57.6%, frames 81.2%; 3519e89 70.7%,
	// 51.5%, 8.9% (0.0%); c42b81a 74.7%, 56.6%, 10.4% (0.0%). Its errors
	// were read after that (refunds to "your payment account", merchants
	// in capitals, fees "refunded afterwards", prize fees, relayed scripts
	// asked about, friends-and-family payments): a dev set now.
	{"yardstick7.jsonl", "recall", 0.91, false},
	{"yardstick7.jsonl", "scam_recall", 0.67, false},
	{"yardstick7.jsonl", "false_alarm", 0.045, true},
	{"yardstick7.jsonl", "false_alarm_scam", 0.008, true}, // y7-052 since the seventh session: a friend mid-scam whose platform asks a deposit to withdraw, "现在領不出來", labelled told
	// yardstick8.jsonl: 210 conversations (150 live, 60 framed; 87 scams,
	// 123 honest; written for variety: recovery agents, mules, charities,
	// debt collectors, customs, sextortion, AI voices) by an eighth helper.
	// Blind scores: 6a9612a 59.8% recall, 37.9% at scam, 6.5% false alarms
	// (0.0% at scam level); c42b81a 66.7%, 42.5%, 8.1% (0.8%); 90ab111
	// 65.5%, 43.7%, 7.3% (0.8%). Its errors were read after that (seed
	// phrases, sextortion, mules, rented accounts, donations to personal
	// accounts, bail, refundable fees in English): a dev set now.
	{"yardstick8.jsonl", "recall", 0.89, false},
	{"yardstick8.jsonl", "scam_recall", 0.64, false},
	{"yardstick8.jsonl", "false_alarm", 0.034, true},
	{"yardstick8.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick9.jsonl: 252 conversations (186 live, 66 framed; 108
	// scams, 144 honest; common scripts as people really write them) by a
	// ninth helper. Blind scores: 6a9612a 66.7% recall, 54.6% at scam, 6.9%
	// false alarms (0.7% at scam level); 90ab111 74.1%, 61.1%, 6.2% (0.7%);
	// a629c93 75.0%, 62.0%, 5.6% (0.7%). Its errors were read after that
	// (cards shown to a camera, paying in to be paid more, marketplace
	// "business upgrades", sending money to yourself, bills overdue,
	// foreign caller IDs explained away): a dev set now.
	{"yardstick9.jsonl", "recall", 0.91, false},
	{"yardstick9.jsonl", "scam_recall", 0.73, false},
	{"yardstick9.jsonl", "false_alarm", 0.021, true},
	// y9-142 (is a fee due on a receipt-lottery prize?) is a question
	// about paying a fee, answered no at scam level by design.
	{"yardstick9.jsonl", "false_alarm_scam", 0.014, true},
	// yardstick10.jsonl: 231 conversations (171 live, 60 framed; 100
	// scams, 131 honest) by a tenth helper. Blind scores: 6a9612a 66.0%
	// recall, 46.0% at scam, 4.6% false alarms (0.8% at scam level), early
	// 63.0%; cf9b200 and f1afb55 76.0%, 59.0%, 4.6% (0.8%), early 72.0%.
	// Its errors were read after that (Cantonese sextortion and jobs,
	// rented accounts, debt collectors, designated-transfer settings,
	// prepaid cards, codes sent "不小心"): a dev set now.
	{"yardstick10.jsonl", "recall", 0.92, false},
	{"yardstick10.jsonl", "scam_recall", 0.66, false},
	{"yardstick10.jsonl", "false_alarm", 0.031, true},
	{"yardstick10.jsonl", "false_alarm_scam", 0.008, true},
	// yardstick11.jsonl: 239 conversations (179 live, 60 framed; 102
	// scams, 137 honest; euphemisms, split demands, polite scammers) by an
	// eleventh helper. Blind scores: 6a9612a 67.6% recall, 42.2% at scam,
	// 5.1% false alarms (0.7% at scam level), early 63.7%; f1afb55 77.5%,
	// 51.0%, 5.1% (0.7%), early 74.5%; e196ffe 77.5%, 51.0%, 4.4% (0.7%).
	// Its errors were read after that (kidnap calls, funds "归集", banking
	// apps opened to be walked through, SMS digits "报一下", grants): a
	// dev set now.
	{"yardstick11.jsonl", "recall", 0.94, false},
	{"yardstick11.jsonl", "scam_recall", 0.64, false},
	{"yardstick11.jsonl", "false_alarm", 0.022, true},
	// y11-089 (a courier collecting import duty in cash, pasted under a
	// header) reaches scam once the header no longer makes the user the
	// opener: cash handed at the door with customs named is a hard stop.
	{"yardstick11.jsonl", "false_alarm_scam", 0.015, true},
	// yardstick12.jsonl: 234 conversations (174 live, 60 framed; 99
	// scams, 135 honest) by a twelfth helper. Blind scores: 6a9612a 73.7%
	// recall, 52.5% at scam, 9.6% false alarms (0.7% at scam level), early
	// 70.7%; d613ad7 80.8%, 59.6%, 8.9% (0.7%), early 77.8%. Its errors
	// were read after that (prize taxes, e-banking logins, sellers out of
	// town, renewal invoices, retellings that end in a police report): a
	// dev set now.
	{"yardstick12.jsonl", "recall", 0.93, false},
	{"yardstick12.jsonl", "scam_recall", 0.68, false},
	{"yardstick12.jsonl", "false_alarm", 0.053, true},
	{"yardstick12.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick13.jsonl: 206 conversations (151 live, 55 framed; 87
	// scams, 119 honest) by a thirteenth helper. Blind scores: 6a9612a
	// 73.6% recall, 49.4% at scam, 6.7% false alarms (0.0% at scam
	// level), early 67.8%; d613ad7 83.9%, 60.9%, 5.0% (0.0%); 7e3f877
	// 85.1%, 62.1%, 5.0% (0.0%), early 78.2%. Its errors were read in the
	// third session of 2026-12-07 (thousands commas that broke a clause,
	// fees and "send back" in gift cards, paying to unlock tasks, account
	// rental and card lending, donations into a person's account, online
	// banking "verification", Cantonese card-and-code smishing): a dev set now.
	{"yardstick13.jsonl", "recall", 0.98, false},
	{"yardstick13.jsonl", "scam_recall", 0.89, false},
	{"yardstick13.jsonl", "false_alarm", 0.018, true},
	{"yardstick13.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick14.jsonl: 220 conversations (154 live, 66 framed; 110
	// scams, 110 honest) by a fourteenth helper. Blind scores: 24a46b7
	// 84.5% recall, 63.6% at scam, 6.4% false alarms (1.8% at scam
	// level), early 89.0%; after the yardstick13 round 84.5%, 64.5%; with
	// the word model (05594d0) 89.1%, 79.1%, 6.4% (1.8%). Its errors were
	// read after that (the protected person asking about their own next
	// step, HK cash collected at the door, secrecy in Cantonese, codes for
	// shared rooms and Wi-Fi, escrow accounts, home assembly materials):
	// a dev set now. The word model was not fitted on it.
	// y14-174 (a wrong-number opener turning to a gold platform, nothing
	// asked yet) is held back by the word model (ModelHoldAt). The sixth
	// session's refit (fitted on more read sets, not on this one) leaves
	// one more of its scams at suspicious: 96.4% at scam.
	{"yardstick14.jsonl", "recall", 0.98, false},
	{"yardstick14.jsonl", "scam_recall", 0.96, false},
	{"yardstick14.jsonl", "false_alarm", 0.019, true},
	{"yardstick14.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick15.jsonl: 220 conversations (153 live, 67 framed; 110
	// scams, 110 honest) by a fifteenth helper, on 2025–2026 scripts (AI
	// voices, parking-meter QR codes, subsidies, recovery agents, APKs),
	// NEVER read, never fitted on: 24a46b7 70.9% recall, 52.7% at scam,
	// 3.6% false alarms (0.9% at scam level); with the word model 73.6%,
	// 60.9%, 4.5% (0.9%); after the yardstick14 round 74.5%, 61.8%, 5.5%
	// (0.9%). Its errors were read in the fourth session of 2026-12-07
	// (pastes under a header, speaker names in quotes or brackets, the
	// protected person ending what they were told with a question mark,
	// one-time codes asked for in other words, apps installed past the
	// phone's warning, sellers who cannot meet, extortion with contacts),
	// with the word model's hold: 88.2%, 74.5%, 3.6% (0.9%). A dev set now.
	{"yardstick15.jsonl", "recall", 0.88, false},
	{"yardstick15.jsonl", "scam_recall", 0.74, false},
	{"yardstick15.jsonl", "false_alarm", 0.037, true},
	{"yardstick15.jsonl", "false_alarm_scam", 0.01, true},
	// yardstick16.jsonl: 220 conversations (154 live, 66 framed; 110
	// scams, 110 honest) by a sixteenth helper, from its own knowledge of
	// everyday scripts (no advisory consulted), with elderly phrasing,
	// voice-note and OCR text; NEVER read, never fitted on: 24a46b7 83.6%,
	// 69.1%, 4.5% (0.0%); with the word model 86.4%, 77.3%, 5.5% (0.0%);
	// after the yardstick14 round the same; after the yardstick15 and 17
	// round (pastes, questions, the word model's hold) 86.4%, 80.0%, 0.9%
	// (0.0%). Score it before reading it.
	{"yardstick16.jsonl", "recall", 0.86, false},
	{"yardstick16.jsonl", "scam_recall", 0.80, false},
	{"yardstick16.jsonl", "false_alarm", 0.01, true},
	{"yardstick16.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick17.jsonl: 220 conversations (150 live, 70 framed) by a
	// seventeenth helper on money-movement mechanics (safe accounts, ATM and
	// online-banking steps, loan apps, store cards, crypto ATMs, courier
	// pickups, codes). Its writer labelled retold and warning items by what
	// they describe; here they follow this project's rule (a scam told or
	// warned about is not one under way: label legit, tag describes_scam),
	// 23 of them, leaving 87 scams and 133 honest. Blind at 902f85b: 85.1%
	// recall, 78.2% at scam, 7.5% false alarms (0.0% at scam level). Read
	// in the fourth session of 2026-12-07 with yardstick15: 87.4%, 81.6%,
	// 2.3% (0.0%). A dev set now; the word model was not fitted on it.
	{"yardstick17.jsonl", "recall", 0.87, false},
	{"yardstick17.jsonl", "scam_recall", 0.81, false},
	{"yardstick17.jsonl", "false_alarm", 0.023, true},
	{"yardstick17.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick18.jsonl and yardstick19.jsonl: 220 conversations each by an
	// eighteenth and a nineteenth helper (who is impersonated and how the
	// contact starts; retold, forwarded, asked-about and pasted phrasings),
	// relabelled to this project's rule for told and warned scripts (24 and
	// 25 items). Blind at 902f85b: 89.5% recall, 76.7% at scam, 9.0% false
	// alarms (3.7% at scam level) and 89.4%, 83.5%, 6.7% (4.4%); at 8c19ddc,
	// still unread: 90.7%, 79.1%, 6.7% (3.7%) and 91.8%, 85.9%, 5.9% (4.4%).
	// Read in the fifth session of 2026-12-07; y18-075 and y18-166
	// relabelled scam (the person is still deciding whether to pay: a
	// question mid-scam), 88 and 85 scams. Dev sets now.
	{"yardstick18.jsonl", "recall", 0.97, false},
	{"yardstick18.jsonl", "scam_recall", 0.86, false},
	{"yardstick18.jsonl", "false_alarm", 0.038, true},
	{"yardstick18.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick19.jsonl", "recall", 0.98, false},
	{"yardstick19.jsonl", "scam_recall", 0.91, false},
	{"yardstick19.jsonl", "false_alarm", 0.03, true},
	{"yardstick19.jsonl", "false_alarm_scam", 0.015, true},
	// yardstick20-28: 220 conversations each by nine helpers writing blind
	// in the fifth session of 2026-12-07, told this project's label rule
	// (110 scams and 110 honest; 150 live, 25 retold, 20 warning, 25
	// question, except 26: 85 scams, 90 live, 50 retold, 40 warning, 40
	// question). Themes: mainland refunds, loans and store cards (20);
	// English-speaking countries (21); Taiwan and Hong Kong, a third
	// Cantonese (22); older people and their families (23); chats forwarded
	// mid-way and subtle scripts (24); businesses and workplaces (25); how
	// people talk about scams: retellings, notices, questions (26); text as
	// it arrives: chat-app copy formats, OCR, voice transcripts (27); honest
	// look-alikes at their hardest (28). Blind, with the classifier as that
	// session began (9d52754): recall / at scam / false alarms / at scam
	// level
	//   20: 93.6 / 86.4 / 10.0 / 0.9, then read
	//   21: 94.5 / 90.9 /  2.7 / 0.0, NEVER read
	//   22: 96.4 / 89.1 /  4.5 / 1.8, NEVER read
	//   23: 81.8 / 69.1 / 10.9 / 6.4, then read
	//   24: 88.2 / 80.0 /  5.5 / 0.0 (80.9 at scam when read)
	//   25: 80.0 / 70.9 /  7.3 / 3.6, then read
	//   26: 95.3 / 87.1 / 10.4 / 5.9 (96.5 / 87.1 / 8.1 / 4.4 when read)
	//   27: 73.6 / 68.2 /  1.8 / 0.9 (74.5 / 68.2 when read)
	//   28: 92.7 / 85.5 /  5.5 / 1.8, NEVER read
	// Of the unread sets only totals were looked at (and, for one honest
	// yardstick21 chat a change raised, the address that raised it). Score
	// 21, 22 and 28 before reading them.
	{"yardstick20.jsonl", "recall", 0.98, false},
	{"yardstick20.jsonl", "scam_recall", 0.97, false},
	{"yardstick20.jsonl", "false_alarm", 0.064, true},
	{"yardstick20.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick21.jsonl", "recall", 0.94, false},
	{"yardstick21.jsonl", "scam_recall", 0.9, false},
	{"yardstick21.jsonl", "false_alarm", 0.01, true},
	{"yardstick21.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick22.jsonl", "recall", 0.98, false},
	{"yardstick22.jsonl", "scam_recall", 0.9, false},
	{"yardstick22.jsonl", "false_alarm", 0.037, true},
	{"yardstick22.jsonl", "false_alarm_scam", 0.019, true},
	{"yardstick23.jsonl", "recall", 0.96, false},
	{"yardstick23.jsonl", "scam_recall", 0.81, false},
	{"yardstick23.jsonl", "false_alarm", 0.055, true},
	{"yardstick23.jsonl", "false_alarm_scam", 0.01, true},
	{"yardstick24.jsonl", "recall", 0.96, false},
	{"yardstick24.jsonl", "scam_recall", 0.89, false},
	{"yardstick24.jsonl", "false_alarm", 0.055, true},
	{"yardstick24.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick25.jsonl", "recall", 0.94, false},
	{"yardstick25.jsonl", "scam_recall", 0.82, false},
	{"yardstick25.jsonl", "false_alarm", 0.073, true},
	{"yardstick25.jsonl", "false_alarm_scam", 0.019, true},
	{"yardstick26.jsonl", "recall", 0.97, false},
	{"yardstick26.jsonl", "scam_recall", 0.94, false},
	{"yardstick26.jsonl", "false_alarm", 0.023, true},
	{"yardstick26.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick27.jsonl", "recall", 0.97, false},
	{"yardstick27.jsonl", "scam_recall", 0.89, false},
	{"yardstick27.jsonl", "false_alarm", 0.019, true},
	{"yardstick27.jsonl", "false_alarm_scam", 0.01, true},
	{"yardstick28.jsonl", "recall", 0.95, false},
	{"yardstick28.jsonl", "scam_recall", 0.88, false},
	{"yardstick28.jsonl", "false_alarm", 0.037, true},
	{"yardstick28.jsonl", "false_alarm_scam", 0.01, true},
	// yardstick29.jsonl: 220 conversations by a twenty-ninth helper, blind,
	// on yardstick26's brief (how people talk about scams: 85 scams, 90
	// live, 50 retold, 40 warning, 40 question), written after yardstick26
	// was read. NEVER read. At 9d52754: 88.2 / 83.5 / 11.1 / 5.9; at the end
	// of the fifth session 91.8 / 85.9 / 11.9 / 5.9: the retellings and
	// warnings yardstick26 taught did not carry over to a second writer.
	// A rule that framed every story told to us alone as retold took it to
	// 10.4 / 5.2 (8.9 / 3.7 before stories followed by anything were
	// reopened) but broke a user's relayed report and three flattened
	// pastes, so it was not kept. Counted by engine (texts unread), 6 of its
	// 8 scam-level false alarms were the word model raising a retelling or
	// a warning; the model no longer raises a story told to us alone: 91.8
	// / 85.9 / 11.9 / 3.7. Score it before reading it. Sixth session
	// (still unread): 94.1 / 85.9 / 9.6 / 3.7; the refit and the relayed
	// ask moved two retellings up and the crowd notices one down. Eighth
	// session (still unread): one honest conversation already warned about
	// rose from suspicious to scam when a relay said to be acted on now
	// stopped being damped as a story told to us (3.0 -> 3.7%). Ninth
	// session (still unread): the word model's refit on the sets read since
	// took its false alarms 8.9 -> 7.4% but one more reached scam level
	// (3.7 -> 4.4%); over the nineteen never-read sets together the refit
	// took false alarms 2.36 -> 1.84% with scam level 1.01% both. Tenth
	// session (still unread): the teller model read three stories told to
	// us alone as relays under way (counted by engine state: no past, or
	// nothing closing them), 4.4 -> 6.7% at scam level, for a recall of
	// 100%; over the never-read sets together it took recall 85.8 ->
	// 91.2% for false alarms 2.03 -> 2.09% (README).
	{"yardstick29.jsonl", "recall", 0.95, false},
	{"yardstick29.jsonl", "scam_recall", 0.87, false},
	{"yardstick29.jsonl", "false_alarm", 0.112, true},
	{"yardstick29.jsonl", "false_alarm_scam", 0.075, true},
	// yardstick30.jsonl and yardstick31.jsonl: 220 conversations each by a
	// thirtieth and a thirty-first helper, blind, written last in the
	// fifth session: a broad everyday mix, mainland-weighted (30) and
	// English-weighted with Taiwan and Hong Kong (31). At 9d52754: 94.5 /
	// 80.9 / 7.3 / 3.6 and 92.7 / 87.3 / 4.5 / 1.8; with the session's work
	// before either was read: 95.5 / 82.7 / 6.4 / 2.7 and 92.7 / 87.3 / 4.5
	// / 1.8. yardstick30 was then read: 100.0 / 87.3 / 5.5 / 1.8.
	// yardstick31 is NEVER read: score it before reading it.
	{"yardstick30.jsonl", "recall", 0.99, false},
	{"yardstick30.jsonl", "scam_recall", 0.87, false},
	{"yardstick30.jsonl", "false_alarm", 0.037, true},
	{"yardstick30.jsonl", "false_alarm_scam", 0.019, true},
	{"yardstick31.jsonl", "recall", 0.92, false},
	{"yardstick31.jsonl", "scam_recall", 0.87, false},
	{"yardstick31.jsonl", "false_alarm", 0.037, true},
	{"yardstick31.jsonl", "false_alarm_scam", 0.019, true},
	// yardstick32-34: 220 conversations each, blind, the last of the fifth
	// session: honest everyday conversations that look risky (32: 150
	// honest, 70 scams, mainland; 33: the same, Taiwan, Hong Kong and
	// English) and a broad mix as people would forward it (34). At 9d52754:
	// 94.3 / 91.4 / 2.0 / 0.7, 97.1 / 87.1 / 8.0 / 2.7, 92.7 / 87.3 / 3.6 /
	// 1.8; with the session's work, before any was read: 94.3 / 91.4 / 1.3 /
	// 0.7, 98.6 / 90.0 / 6.7 / 2.0, 93.6 / 88.2 / 2.7 / 1.8. yardstick33 was
	// then read: 98.6 / 90.0 / 5.3 / 0.7. 32 and 34 are NEVER read.
	// Ninth session (32 still unread): the refit lost one scam the old
	// word model had opened a warning on (97.1 -> 95.7%).
	{"yardstick32.jsonl", "recall", 0.95, false},
	{"yardstick32.jsonl", "scam_recall", 0.92, false},
	{"yardstick32.jsonl", "false_alarm", 0.027, true},
	{"yardstick32.jsonl", "false_alarm_scam", 0.014, true},
	{"yardstick33.jsonl", "recall", 0.98, false},
	{"yardstick33.jsonl", "scam_recall", 0.90, false},
	{"yardstick33.jsonl", "false_alarm", 0.054, true},
	{"yardstick33.jsonl", "false_alarm_scam", 0.007, true},
	{"yardstick34.jsonl", "recall", 0.95, false},
	{"yardstick34.jsonl", "scam_recall", 0.90, false},
	{"yardstick34.jsonl", "false_alarm", 0.028, true},
	{"yardstick34.jsonl", "false_alarm_scam", 0.019, true},
	// yardstick35 and 36: 220 conversations each, blind, written at the end
	// of the fifth session as its final measure: what reaches a family
	// helper in a normal week (35); short conversations and single
	// forwarded messages (36). At 9d52754: 91.8 / 82.7 / 3.6 / 0.9 and
	// 87.3 / 80.0 / 6.4 / 1.8; at the end of the session, before either was
	// read: 92.7 / 84.5 / 2.7 / 0.0 and 90.0 / 83.6 / 6.4 / 1.8.
	// yardstick36 was then read (96.4 / 90.0 / 4.5 / 0.0); 35 is NEVER read.
	{"yardstick35.jsonl", "recall", 0.92, false},
	{"yardstick35.jsonl", "scam_recall", 0.84, false},
	{"yardstick35.jsonl", "false_alarm", 0.028, true},
	{"yardstick35.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick36.jsonl", "recall", 0.96, false},
	{"yardstick36.jsonl", "scam_recall", 0.90, false},
	{"yardstick36.jsonl", "false_alarm", 0.046, true},
	{"yardstick36.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick37 and 38: the same two briefs as 36 and 35, by two more
	// writers, written after 36 was read: the session's last blind check.
	// At 9d52754: 84.5 / 74.5 / 2.7 / 1.8 and 94.5 / 87.3 / 3.6 / 0.9; at
	// the end of the session: 86.4 / 78.2 / 3.6 / 2.7 and 94.5 / 88.2 / 1.8
	// / 0.0. One honest yardstick37 chat at scam level showed, by its
	// address alone, that undoing dot-split letters glued WhatsApp's own
	// "v.whatsapp.com" into "vwhatsapp.com", a look-alike; fixed: 2.7 / 1.8.
	// Otherwise never read.
	{"yardstick37.jsonl", "recall", 0.86, false},
	{"yardstick37.jsonl", "scam_recall", 0.78, false},
	{"yardstick37.jsonl", "false_alarm", 0.028, true},
	{"yardstick37.jsonl", "false_alarm_scam", 0.019, true},
	{"yardstick38.jsonl", "recall", 0.94, false},
	{"yardstick38.jsonl", "scam_recall", 0.88, false},
	{"yardstick38.jsonl", "false_alarm", 0.019, true},
	{"yardstick38.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick39-45: 220 conversations each by seven helpers, blind, in
	// the sixth session (the label rule in their brief). Scored at f798369
	// (the session's start) before anything was read: recall / at scam /
	// false alarms / at scam level:
	//   39 (broad mix, mainland)                82.7 / 71.8 / 5.5 / 3.6
	//   40 (short, single forwards)             85.5 / 80.0 / 1.8 / 0.9
	//   41 (honest-heavy, TW/HK/English)        85.7 / 84.3 / 2.0 / 0.7
	//   42 (how people talk about scams)        90.0 / 83.8 / 10.0 / 5.0
	//   43 (a family helper's week)             77.3 / 71.8 / 2.7 / 0.9
	//   44 (what is forwarded in one go)        76.4 / 67.3 / 4.5 / 0.9
	//   45 (everyday forwarding, TW/HK/English) 73.6 / 68.2 / 0.0 / 0.0
	// 39, 40 and 41 were read first, then 42 and 44; the word model was
	// fitted on 39-41 (not 42-45). 43 and 45 were never read.
	{"yardstick39.jsonl", "recall", 0.94, false},
	{"yardstick39.jsonl", "scam_recall", 0.88, false},
	{"yardstick39.jsonl", "false_alarm", 0.019, true},
	{"yardstick39.jsonl", "false_alarm_scam", 0.019, true},
	{"yardstick40.jsonl", "recall", 0.98, false},
	{"yardstick40.jsonl", "scam_recall", 0.92, false},
	{"yardstick40.jsonl", "false_alarm", 0.01, true},
	{"yardstick40.jsonl", "false_alarm_scam", 0.01, true},
	{"yardstick41.jsonl", "recall", 0.97, false},
	{"yardstick41.jsonl", "scam_recall", 0.95, false},
	{"yardstick41.jsonl", "false_alarm", 0.007, true},
	{"yardstick41.jsonl", "false_alarm_scam", 0.007, true},
	{"yardstick42.jsonl", "recall", 0.98, false},
	{"yardstick42.jsonl", "scam_recall", 0.95, false},
	// 0.036 since the eighth session: y42-050's retelling gained a named
	// pretext ("把人打伤") and its closing "老人现在还很害怕，我该怎么跟他讲"
	// reads as someone still in it (now, asking what to do).
	{"yardstick42.jsonl", "false_alarm", 0.036, true},
	{"yardstick42.jsonl", "false_alarm_scam", 0.022, true},
	{"yardstick43.jsonl", "recall", 0.83, false},
	{"yardstick43.jsonl", "scam_recall", 0.77, false},
	{"yardstick43.jsonl", "false_alarm", 0.019, true},
	{"yardstick43.jsonl", "false_alarm_scam", 0.01, true},
	{"yardstick44.jsonl", "recall", 0.94, false},
	{"yardstick44.jsonl", "scam_recall", 0.81, false},
	{"yardstick44.jsonl", "false_alarm", 0.028, true},
	{"yardstick44.jsonl", "false_alarm_scam", 0.01, true},
	{"yardstick45.jsonl", "recall", 0.92, false},
	{"yardstick45.jsonl", "scam_recall", 0.90, false},
	{"yardstick45.jsonl", "false_alarm", 0.01, true},
	{"yardstick45.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick46-48: 220 conversations each (88 scams, 132 honest) by
	// three helpers, blind, in the seventh session. Scored at 649ec1c (the
	// session's classifier) before anything was read:
	//   46 (broad mix, a quarter pasted)             97.7 / 94.3 / 4.5 / 3.0
	//   47 (people asking alone, mid-scam or not)    72.7 / 64.8 / 2.3 / 0.0
	//   48 (short: SMS, pushes, one-line forwards)   87.5 / 81.8 / 3.0 / 2.3
	// 46's false alarms and 47's misses were read; 48 never was.
	{"yardstick46.jsonl", "recall", 1.0, false},
	{"yardstick46.jsonl", "scam_recall", 1.0, false},
	{"yardstick46.jsonl", "false_alarm", 0.016, true},
	{"yardstick46.jsonl", "false_alarm_scam", 0.016, true},
	{"yardstick47.jsonl", "recall", 0.92, false},
	{"yardstick47.jsonl", "scam_recall", 0.82, false},
	{"yardstick47.jsonl", "false_alarm", 0.023, true},
	{"yardstick47.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick48.jsonl", "recall", 0.89, false},
	{"yardstick48.jsonl", "scam_recall", 0.84, false},
	{"yardstick48.jsonl", "false_alarm", 0.038, true},
	{"yardstick48.jsonl", "false_alarm_scam", 0.016, true},
	// yardstick49: a family helper's week (35's and 43's brief), written
	// in the seventh session, read at its end: 77.3 / 65.9 / 4.5 / 3.8 blind.
	{"yardstick49.jsonl", "recall", 0.88, false},
	{"yardstick49.jsonl", "scam_recall", 0.77, false},
	{"yardstick49.jsonl", "false_alarm", 0.023, true},
	{"yardstick49.jsonl", "false_alarm_scam", 0.016, true},
	// yardstick50-53: 220 conversations each (88 scams, 132 honest) by
	// four helpers, blind, in the eighth session. Scored at 43b8854 (the
	// session's classifier) before anything was read:
	//   50 (broad mix)                                      98.9 / 95.5 / 3.8 / 1.5
	//   51 (a family helper relaying, often no question)    64.8 / 54.5 / 1.5 / 0.8
	//   52 (retellings and warnings that quote the script)  96.6 / 93.2 / 14.4 / 9.1
	//   53 (short: one to three messages)                   86.4 / 75.0 / 0.8 / 0.0
	// 52's and 50's false alarms and 51's and 53's misses were read.
	{"yardstick50.jsonl", "recall", 0.98, false},
	{"yardstick50.jsonl", "scam_recall", 0.95, false},
	{"yardstick50.jsonl", "false_alarm", 0.008, true},
	{"yardstick50.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick51.jsonl", "recall", 0.96, false},
	{"yardstick51.jsonl", "scam_recall", 0.85, false},
	{"yardstick51.jsonl", "false_alarm", 0.016, true},
	{"yardstick51.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick52.jsonl", "recall", 0.96, false},
	{"yardstick52.jsonl", "scam_recall", 0.94, false},
	{"yardstick52.jsonl", "false_alarm", 0.046, true},
	{"yardstick52.jsonl", "false_alarm_scam", 0.023, true},
	{"yardstick53.jsonl", "recall", 0.94, false},
	{"yardstick53.jsonl", "scam_recall", 0.80, false},
	{"yardstick53.jsonl", "false_alarm", 0.008, true},
	{"yardstick53.jsonl", "false_alarm_scam", 0.0, true},
	// yardstick54-58: 220 conversations each (88 scams, 132 honest), blind,
	// written while the eighth session worked. First scores at 43b8854:
	//   54 (a family helper relaying, another writer)        60.2 / 34.1 / 3.8 / 3.0
	//   55 (everyday forwarding mix)                          94.3 / 88.6 / 4.5 / 2.3
	//   56 (honest look-alikes at their hardest)              95.5 / 90.9 / 3.8 / 1.5
	//   57 (a relative relaying, a third writer)              62.5 / 48.9 / 0.8 / 0.0
	//   58 (short: one to three messages)                     94.3 / 81.8 / 1.5 / 0.8
	// 54's misses and 56's false alarms were read; 55, 57 and 58 never were.
	{"yardstick54.jsonl", "recall", 0.93, false},
	{"yardstick54.jsonl", "scam_recall", 0.84, false},
	{"yardstick54.jsonl", "false_alarm", 0.023, true},
	{"yardstick54.jsonl", "false_alarm_scam", 0.016, true},
	{"yardstick55.jsonl", "recall", 0.95, false},
	{"yardstick55.jsonl", "scam_recall", 0.90, false},
	{"yardstick55.jsonl", "false_alarm", 0.046, true},
	{"yardstick55.jsonl", "false_alarm_scam", 0.023, true},
	{"yardstick56.jsonl", "recall", 0.95, false},
	{"yardstick56.jsonl", "scam_recall", 0.90, false},
	{"yardstick56.jsonl", "false_alarm", 0.008, true},
	{"yardstick56.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick57.jsonl", "recall", 0.84, false},
	{"yardstick57.jsonl", "scam_recall", 0.75, false},
	{"yardstick57.jsonl", "false_alarm", 0.008, true},
	{"yardstick57.jsonl", "false_alarm_scam", 0.0, true},
	// Ninth session (58 still unread): the refit lost two scams the old
	// word model had opened a warning on (94.3 -> 92.0%).
	{"yardstick58.jsonl", "recall", 0.92, false},
	{"yardstick58.jsonl", "scam_recall", 0.81, false},
	{"yardstick58.jsonl", "false_alarm", 0.016, true},
	{"yardstick58.jsonl", "false_alarm_scam", 0.008, true},
	// yardstick59-68: 220 conversations each (88 scams, 132 honest), written
	// blind by ten helpers in the ninth session from public advisories.
	// Scored with the session's starting classifier (8047119) before
	// anything in them was read:
	//   59 a helper relaying (fourth writer)          54.5 / 39.8 / 1.5 / 1.5
	//   60 a relative relaying (fifth writer)         67.0 / 39.8 / 2.3 / 2.3
	//   61 retellings and warnings quoting scripts     89.8 / 80.7 / 9.1 / 4.5
	//   62 everyday forwarding mix                     92.0 / 81.8 / 0.8 / 0.8
	//   63 short (one to three messages)               85.2 / 71.6 / 0.8 / 0.0
	//   64 subtle scams, hardest honest look-alikes    88.6 / 83.0 / 6.8 / 0.8
	//   65 a helper relaying (sixth writer)            53.4 / 34.1 / 0.0 / 0.0
	//   66 retellings and warnings (second writer)     83.0 / 73.9 / 8.3 / 3.8
	//   67 everyday forwarding mix (second writer)     86.4 / 77.3 / 1.5 / 0.8
	//   68 short (second writer)                       80.7 / 70.5 / 0.8 / 0.8
	// 60, 62 and 65 were never read. 59, 61, 63, 64 and 66-68 were read
	// (misses or false alarms) and 59, 61, 63 and 64 fitted on.
	{"yardstick59.jsonl", "recall", 0.96, false},
	{"yardstick59.jsonl", "scam_recall", 0.89, false},
	{"yardstick59.jsonl", "false_alarm", 0.0, true},
	{"yardstick59.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick60.jsonl", "recall", 0.85, false},
	{"yardstick60.jsonl", "scam_recall", 0.64, false},
	{"yardstick60.jsonl", "false_alarm", 0.023, true},
	{"yardstick60.jsonl", "false_alarm_scam", 0.023, true},
	{"yardstick61.jsonl", "recall", 0.94, false},
	{"yardstick61.jsonl", "scam_recall", 0.86, false},
	{"yardstick61.jsonl", "false_alarm", 0.038, true},
	{"yardstick61.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick62.jsonl", "recall", 0.89, false},
	{"yardstick62.jsonl", "scam_recall", 0.86, false},
	{"yardstick62.jsonl", "false_alarm", 0.008, true},
	{"yardstick62.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick63.jsonl", "recall", 1.0, false},
	{"yardstick63.jsonl", "scam_recall", 0.97, false},
	{"yardstick63.jsonl", "false_alarm", 0.0, true},
	{"yardstick63.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick64.jsonl", "recall", 1.0, false},
	{"yardstick64.jsonl", "scam_recall", 0.89, false},
	{"yardstick64.jsonl", "false_alarm", 0.016, true},
	{"yardstick64.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick65.jsonl", "recall", 0.65, false},
	{"yardstick65.jsonl", "scam_recall", 0.53, false},
	{"yardstick65.jsonl", "false_alarm", 0.0, true},
	{"yardstick65.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick66.jsonl", "recall", 0.89, false},
	{"yardstick66.jsonl", "scam_recall", 0.85, false},
	{"yardstick66.jsonl", "false_alarm", 0.016, true},
	{"yardstick66.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick67.jsonl", "recall", 0.92, false},
	{"yardstick67.jsonl", "scam_recall", 0.81, false},
	{"yardstick67.jsonl", "false_alarm", 0.0, true},
	{"yardstick67.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick68.jsonl", "recall", 0.93, false},
	{"yardstick68.jsonl", "scam_recall", 0.77, false},
	{"yardstick68.jsonl", "false_alarm", 0.008, true},
	{"yardstick68.jsonl", "false_alarm_scam", 0.008, true},
	// yardstick69-72: written blind at the ninth session's end and never
	// read. Start (8047119) -> end of session (709646a):
	//   69 a helper relaying (seventh writer)   58.0 / 27.3 / 0.0 / 0.0 -> 71.6 / 54.5 / 0.8 / 0.0
	//   70 everyday forwarding (third writer)   89.8 / 85.2 / 3.0 / 0.8 -> 90.9 / 86.4 / 2.3 / 0.8
	//   71 the hardest frames mixed             81.8 / 68.2 / 5.3 / 3.0 -> 86.4 / 77.3 / 4.5 / 3.0
	//   72 a helper relaying (eighth writer)    45.5 / 28.4 / 0.0 / 0.0 -> 53.4 / 38.6 / 0.0 / 0.0
	{"yardstick69.jsonl", "recall", 0.71, false},
	{"yardstick69.jsonl", "scam_recall", 0.54, false},
	{"yardstick69.jsonl", "false_alarm", 0.008, true},
	{"yardstick69.jsonl", "false_alarm_scam", 0.0, true},
	{"yardstick70.jsonl", "recall", 0.90, false},
	{"yardstick70.jsonl", "scam_recall", 0.86, false},
	{"yardstick70.jsonl", "false_alarm", 0.023, true},
	{"yardstick70.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick71.jsonl", "recall", 0.86, false},
	{"yardstick71.jsonl", "scam_recall", 0.77, false},
	{"yardstick71.jsonl", "false_alarm", 0.054, true},
	{"yardstick71.jsonl", "false_alarm_scam", 0.038, true},
	{"yardstick72.jsonl", "recall", 0.53, false},
	{"yardstick72.jsonl", "scam_recall", 0.38, false},
	{"yardstick72.jsonl", "false_alarm", 0.0, true},
	{"yardstick72.jsonl", "false_alarm_scam", 0.0, true},
	// Tenth session: the word model refitted on the sets read since the
	// ninth (66-68, 73, 74, 79) took the never-read sets together from
	// 91.2 / 85.6 / 2.09 / 1.12% to 91.9 / 86.1 / 2.30 / 1.15%: 19 scams
	// more warned for 8 honest conversations more. The floors of 32, 48,
	// 71, 75 and 77 (all still unread) moved by one or two conversations
	// each with it. Both models refitted again at the session's end with
	// the short, question and relay sets read last (86-91): over the
	// thirty-four never-read sets 91.4 / 85.9 / 2.60 / 1.29% -> 92.2 /
	// 86.7 / 2.65 / 1.34% (the short sets 78, 80 and 85 gained most: 62.5
	// / 62.5 / 58.0% -> 73.9 / 72.7 / 75.0%); 29 (11.1 / 7.4%), 32 (2.7 /
	// 1.3%), and the read 61 and 66 (one false alarm each) moved with it.
	// yardstick73-91: 220 conversations each (88 scams, 132 honest), written
	// blind by nineteen helpers in the tenth session from public advisories.
	// Scored with the session's starting classifier (687b2a9) before
	// anything in them was read, then at the session's end:
	//   73 a helper relaying (ninth writer)       62.5 / 46.6 / 0.8 / 0.0 -> 97.7 / 97.7 / 0.0 / 0.0 (read, fitted on)
	//   74 a helper relaying (tenth writer)       60.2 / 48.9 / 0.0 / 0.0 -> 98.9 / 98.9 / 0.0 / 0.0 (read, fitted on)
	//   75 a helper relaying (eleventh writer)    80.7 / 65.9 / 2.3 / 0.8 -> 96.6 / 92.0 / 1.5 / 0.8
	//   76 everyday forwarding (fourth writer)    96.6 / 87.5 / 3.0 / 3.0 -> 96.6 / 86.4 / 3.0 / 3.0
	//   77 the hardest cases, mixed frames        80.7 / 67.0 / 9.1 / 3.0 -> 84.1 / 75.0 / 10.6 / 3.8
	//   78 short (third writer)                   37.5 / 33.0 / 1.5 / 1.5 -> 73.9 / 63.6 / 1.5 / 1.5
	//   79 short (fourth writer)                  47.7 / 36.4 / 1.5 / 1.5 -> 94.3 / 76.1 / 1.5 / 1.5 (read, fitted on)
	//   80 short (fifth writer)                   34.1 / 27.3 / 0.0 / 0.0 -> 72.7 / 61.4 / 0.0 / 0.0
	//   81 questions to the bot                   85.2 / 75.0 / 2.3 / 0.0 -> 95.5 / 89.8 / 2.3 / 0.0
	//   82 a helper relaying (twelfth writer)     69.3 / 58.0 / 2.3 / 1.5 -> 92.0 / 89.8 / 3.0 / 1.5
	//   83 everyday forwarding (fifth writer)     98.9 / 94.3 / 3.8 / 2.3 -> 97.7 / 96.6 / 4.5 / 2.3
	//   84 retellings and warnings (third writer) 73.9 / 69.3 / 9.1 / 4.5 -> 79.5 / 77.3 / 9.1 / 4.5
	//   85 short (sixth writer)                   31.8 / 28.4 / 1.5 / 0.8 -> 75.0 / 59.1 / 1.5 / 0.8
	//   86 short (seventh writer)                 44.3 / 31.8 / 0.8 / 0.8 -> 89.8 / 76.1 / 0.8 / 0.8 (read, fitted on)
	//   87 short (eighth writer)                  28.4 / 22.7 / 0.0 / 0.0 -> 87.5 / 73.9 / 0.0 / 0.0 (read, fitted on)
	//   88 short (ninth writer)                   48.9 / 36.4 / 0.0 / 0.0 -> 93.2 / 84.1 / 0.0 / 0.0 (read, fitted on)
	//   89 short (tenth writer)                   38.6 / 30.7 / 0.0 / 0.0 -> 90.9 / 81.8 / 0.0 / 0.0 (read, fitted on)
	//   90 questions (second writer)              76.1 / 64.8 / 0.0 / 0.0 -> 98.9 / 95.5 / 0.0 / 0.0 (read, fitted on)
	//   91 a helper relaying (thirteenth writer)  63.6 / 47.7 / 1.5 / 0.8 -> 98.9 / 98.9 / 0.8 / 0.8 (read, fitted on)
	// 75-78 and 80-85 are never read. 73, 74, 79 and 86-91 were scored,
	// then read (misses, some false alarms), and both models fitted on them;
	// 86-91 were scored again before the fit (README).
	{"yardstick73.jsonl", "recall", 0.97, false},
	{"yardstick73.jsonl", "scam_recall", 0.97, false},
	{"yardstick73.jsonl", "false_alarm", 0.000, true},
	{"yardstick73.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick74.jsonl", "recall", 0.98, false},
	{"yardstick74.jsonl", "scam_recall", 0.98, false},
	{"yardstick74.jsonl", "false_alarm", 0.000, true},
	{"yardstick74.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick75.jsonl", "recall", 0.96, false},
	{"yardstick75.jsonl", "scam_recall", 0.92, false},
	{"yardstick75.jsonl", "false_alarm", 0.016, true},
	{"yardstick75.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick76.jsonl", "recall", 0.96, false},
	{"yardstick76.jsonl", "scam_recall", 0.86, false},
	{"yardstick76.jsonl", "false_alarm", 0.031, true},
	{"yardstick76.jsonl", "false_alarm_scam", 0.031, true},
	{"yardstick77.jsonl", "recall", 0.84, false},
	{"yardstick77.jsonl", "scam_recall", 0.75, false},
	{"yardstick77.jsonl", "false_alarm", 0.107, true},
	{"yardstick77.jsonl", "false_alarm_scam", 0.038, true},
	{"yardstick78.jsonl", "recall", 0.73, false},
	{"yardstick78.jsonl", "scam_recall", 0.63, false},
	{"yardstick78.jsonl", "false_alarm", 0.016, true},
	{"yardstick78.jsonl", "false_alarm_scam", 0.016, true},
	{"yardstick79.jsonl", "recall", 0.94, false},
	{"yardstick79.jsonl", "scam_recall", 0.76, false},
	{"yardstick79.jsonl", "false_alarm", 0.016, true},
	{"yardstick79.jsonl", "false_alarm_scam", 0.016, true},
	{"yardstick80.jsonl", "recall", 0.72, false},
	{"yardstick80.jsonl", "scam_recall", 0.61, false},
	{"yardstick80.jsonl", "false_alarm", 0.000, true},
	{"yardstick80.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick81.jsonl", "recall", 0.95, false},
	{"yardstick81.jsonl", "scam_recall", 0.89, false},
	{"yardstick81.jsonl", "false_alarm", 0.023, true},
	{"yardstick81.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick82.jsonl", "recall", 0.92, false},
	{"yardstick82.jsonl", "scam_recall", 0.89, false},
	{"yardstick82.jsonl", "false_alarm", 0.031, true},
	{"yardstick82.jsonl", "false_alarm_scam", 0.016, true},
	{"yardstick83.jsonl", "recall", 0.97, false},
	{"yardstick83.jsonl", "scam_recall", 0.96, false},
	{"yardstick83.jsonl", "false_alarm", 0.046, true},
	{"yardstick83.jsonl", "false_alarm_scam", 0.023, true},
	{"yardstick84.jsonl", "recall", 0.79, false},
	{"yardstick84.jsonl", "scam_recall", 0.77, false},
	{"yardstick84.jsonl", "false_alarm", 0.091, true},
	{"yardstick84.jsonl", "false_alarm_scam", 0.046, true},
	{"yardstick85.jsonl", "recall", 0.75, false},
	{"yardstick85.jsonl", "scam_recall", 0.59, false},
	{"yardstick85.jsonl", "false_alarm", 0.016, true},
	{"yardstick85.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick86.jsonl", "recall", 0.89, false},
	{"yardstick86.jsonl", "scam_recall", 0.76, false},
	{"yardstick86.jsonl", "false_alarm", 0.008, true},
	{"yardstick86.jsonl", "false_alarm_scam", 0.008, true},
	{"yardstick87.jsonl", "recall", 0.87, false},
	{"yardstick87.jsonl", "scam_recall", 0.73, false},
	{"yardstick87.jsonl", "false_alarm", 0.000, true},
	{"yardstick87.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick88.jsonl", "recall", 0.93, false},
	{"yardstick88.jsonl", "scam_recall", 0.84, false},
	{"yardstick88.jsonl", "false_alarm", 0.000, true},
	{"yardstick88.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick89.jsonl", "recall", 0.90, false},
	{"yardstick89.jsonl", "scam_recall", 0.81, false},
	{"yardstick89.jsonl", "false_alarm", 0.000, true},
	{"yardstick89.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick90.jsonl", "recall", 0.98, false},
	{"yardstick90.jsonl", "scam_recall", 0.95, false},
	{"yardstick90.jsonl", "false_alarm", 0.000, true},
	{"yardstick90.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick91.jsonl", "recall", 0.98, false},
	{"yardstick91.jsonl", "scam_recall", 0.98, false},
	{"yardstick91.jsonl", "false_alarm", 0.008, true},
	{"yardstick91.jsonl", "false_alarm_scam", 0.008, true},
	// yardstick92-97: written blind at the tenth session's end, scored with
	// its start (687b2a9) and its end:
	//   92 short                      37.5 / 19.3 / 0.8 / 0.0 -> 77.3 / 64.8 / 0.8 / 0.0
	//   93 short                      38.6 / 33.0 / 0.0 / 0.0 -> 76.1 / 67.0 / 0.8 / 0.0
	//   94 retellings and warnings    69.3 / 60.2 / 3.8 / 2.3 -> 81.8 / 79.5 / 6.1 / 3.8
	//   95 retellings and warnings    85.2 / 71.6 / 7.6 / 3.8 -> 88.6 / 84.1 / 9.1 / 4.5
	//   96 short                      43.2 / 37.5 / 2.3 / 2.3 -> 69.3 / 54.5 / 2.3 / 2.3
	//   97 everyday forwarding        96.6 / 94.3 / 2.3 / 1.5 -> 95.5 / 93.2 / 2.3 / 1.5
	// 96 and 97 are never read; 92-95 were read (94's false alarms) but
	// not fitted on: a refit with them moved the never-read sets together
	// a little (91.7 / 86.0 / 2.63 / 1.37% -> 92.2 / 86.1 / 2.60 / 1.41%)
	// with churn on single sets, and was left for the next session.
	{"yardstick92.jsonl", "recall", 0.77, false},
	{"yardstick92.jsonl", "scam_recall", 0.64, false},
	{"yardstick92.jsonl", "false_alarm", 0.008, true},
	{"yardstick92.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick93.jsonl", "recall", 0.76, false},
	{"yardstick93.jsonl", "scam_recall", 0.67, false},
	{"yardstick93.jsonl", "false_alarm", 0.008, true},
	{"yardstick93.jsonl", "false_alarm_scam", 0.000, true},
	{"yardstick94.jsonl", "recall", 0.81, false},
	{"yardstick94.jsonl", "scam_recall", 0.79, false},
	{"yardstick94.jsonl", "false_alarm", 0.061, true},
	{"yardstick94.jsonl", "false_alarm_scam", 0.038, true},
	{"yardstick95.jsonl", "recall", 0.88, false},
	{"yardstick95.jsonl", "scam_recall", 0.84, false},
	{"yardstick95.jsonl", "false_alarm", 0.091, true},
	{"yardstick95.jsonl", "false_alarm_scam", 0.046, true},
	{"yardstick96.jsonl", "recall", 0.69, false},
	{"yardstick96.jsonl", "scam_recall", 0.54, false},
	{"yardstick96.jsonl", "false_alarm", 0.023, true},
	{"yardstick96.jsonl", "false_alarm_scam", 0.023, true},
	{"yardstick97.jsonl", "recall", 0.95, false},
	{"yardstick97.jsonl", "scam_recall", 0.93, false},
	{"yardstick97.jsonl", "false_alarm", 0.023, true},
	{"yardstick97.jsonl", "false_alarm_scam", 0.016, true},
	// probes.jsonl: 24 mechanism probes (and 12 more from the second
	// session of 2026-12-07: p25–p42) written in that session from the
	// advisories' descriptions (TW ATM instalments, HK guess-who, fake
	// officials, safe accounts, flight rebooking, recovery fees, new-number
	// relatives, Medicare, pig butchering) and honest look-alikes of the
	// new mechanisms (in-app guidance, rental deposits, OTP notices).
	{"probes.jsonl", "scam_recall", 1.0, false},
	{"probes.jsonl", "false_alarm_scam", 0.0, true},
	{"probes.jsonl", "false_alarm", 0.15, true},
}

func TestYardstickTargets(t *testing.T) {
	c := defaultClassifier(t)
	reports := map[string]*Report{}
	for _, tg := range yardstickTargets {
		if reports[tg.file] == nil {
			items, err := ReadFile(filepath.Join("testdata", "yardstick", tg.file))
			if err != nil {
				t.Fatal(err)
			}
			rep := Evaluate(context.Background(), detect.Standard(c, nil, nil), items, 0)
			reports[tg.file] = &rep
		}
		got := measure(reports[tg.file], tg.measure)
		if got == nil {
			t.Fatalf("%s: no %s", tg.file, tg.measure)
		}
		t.Logf("%s %s = %.3f", tg.file, tg.measure, *got)
		if (tg.atMost && *got > tg.bound) || (!tg.atMost && *got < tg.bound) {
			t.Errorf("%s %s = %.4f, target %s %.4f", tg.file, tg.measure, *got, map[bool]string{true: "≤", false: "≥"}[tg.atMost], tg.bound)
		}
	}
}

func TestStagesAccountForEveryItem(t *testing.T) {
	c := defaultClassifier(t)
	items, err := ReadFile(filepath.Join("testdata", "yardstick", "frames.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(context.Background(), detect.Standard(c, nil, nil), items, 0)
	want := []string{detect.NameHeuristics, detect.NameFingerprints, detect.NameLLM}
	if len(rep.Stages) != len(want) {
		t.Fatalf("stages %+v, want %v", rep.Stages, want)
	}
	for i, s := range rep.Stages {
		if s.Name != want[i] {
			t.Errorf("stage %d is %s, want %s", i, s.Name, want[i])
		}
		if n := s.Raised + s.Lowered + s.Kept + s.Skipped + s.Failed; n != rep.Items {
			t.Errorf("%s accounts for %d items of %d", s.Name, n, rep.Items)
		}
	}
	// Without a review store or an LLM only the heuristics decide, and
	// what they raise is every warning of the report.
	heuristics := rep.Stages[0]
	if heuristics.Skipped != 0 || rep.Stages[1].Skipped != rep.Items || rep.Stages[2].Skipped != rep.Items || rep.Stages[2].Calls != 0 {
		t.Errorf("stages %+v: want heuristics on every item, the others skipped", rep.Stages)
	}
	if warned := rep.ScamsWarned + rep.LegitWarned; heuristics.Raised < warned {
		t.Errorf("heuristics raised %d, fewer than the %d warnings", heuristics.Raised, warned)
	}
}
