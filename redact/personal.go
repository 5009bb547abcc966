package redact

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Placeholders for what Personal removes beside numbers. Like the number
// placeholders they hold no digits, no '@' and none of the cues below, so
// redacting redacted text changes nothing.
const (
	Email   = "[email]"
	Address = "[address]"
	Name    = "[name]"
	Account = "[account]"
)

// Placeholders lists every placeholder the package writes, for code that
// must ignore them (fingerprints) or look for them (tests).
var Placeholders = []string{Phone, Card, ID, Number, Email, Address, Name, Account}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// ibanPattern finds international bank account numbers (two letters,
	// two check digits, up to 30 letters and digits, often in fours): their
	// letters keep Text from seeing one number.
	ibanPattern = regexp.MustCompile(`\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b`)
	// addressPatterns find street addresses by their shape: a road and a
	// house number (with the district before it and the building, unit and
	// room after it), a housing estate with a building number, or a
	// number and a street name with its type in English. A road name alone
	// ("人民路", "Main Street") reaches nobody and stays.
	addressPatterns = []*regexp.Regexp{
		regexp.MustCompile(`(?:\p{Han}{1,10}?(?:省|市|区|區|县|縣|镇|鎮|乡|鄉|街道))*\p{Han}{1,10}?(?:路|街|大道|巷|弄|胡同|里)\s*[0-9０-９一二三四五六七八九十百]+(?:[-－][0-9０-９]+)?\s*(?:号|號)(?:\s*[0-9０-９A-Za-z\p{Han}]{0,10}?(?:栋|棟|幢|座|号楼|號樓|单元|單元|室|层|層|楼|樓))*`),
		regexp.MustCompile(`\p{Han}{1,10}?(?:小区|小區|花园|花園|公寓|大厦|大廈|新村|家园|家園|苑)\s*[0-9０-９]+\s*(?:栋|棟|幢|座|号楼|號樓)(?:\s*[0-9０-９]+\s*(?:单元|單元|室|层|層|楼|樓|号|號))*`),
		regexp.MustCompile(`\b[0-9]{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Highway|Hwy)\b\.?(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat)\.?\s*#?[0-9A-Za-z]+)?`),
	}
	// namePatterns find personal names by their cue: an introduction, a
	// salutation, a form field ("收件人：", "Name:"), or a common surname
	// before 先生/女士/小姐. A name without a cue cannot be told from other
	// words and stays; names alone identify less than the numbers Text
	// removes.
	namePatterns = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:[Mm]y name is|[Dd]ear|Mr\.?|Mrs\.?|Ms\.?|Miss)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?`),
		regexp.MustCompile(`\b(?:[Nn]ame|[Ff]ull [Nn]ame|[Aa]ccount [Nn]ame|[Cc]ardholder|[Rr]ecipient)\s*[:：]\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?`),
		regexp.MustCompile(`(?:我叫|我姓|本人)\p{Han}{1,3}`),
		regexp.MustCompile(`(?:姓名|收件人|收货人|收貨人|联系人|聯繫人|户名|戶名|持卡人|开户名|開戶名)\s*[:：]?\s*\p{Han}{2,4}`),
		regexp.MustCompile(`[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸錢龔賀顧]\p{Han}?(?:先生|女士|小姐)`),
	}
)

// nameCues are the words namePatterns keep in front of a name; nameTitles
// the ones they keep after it.
var (
	nameCues   = []string{"my name is", "dear", "mrs.", "mrs", "mr.", "mr", "ms.", "ms", "miss", "full name", "account name", "cardholder", "recipient", "name", "我叫", "我姓", "本人", "姓名", "收件人", "收货人", "收貨人", "联系人", "聯繫人", "户名", "戶名", "持卡人", "开户名", "開戶名"}
	nameTitles = []string{"先生", "女士", "小姐"}
)

// Personal returns s with everything that identifies or reaches a person
// replaced by placeholders: Text's numbers, e-mail addresses, bank account
// numbers (IBAN), street addresses and names found by their cue. It is
// what the bot stores and what leaves for an LLM. The result is valid
// UTF-8, and Personal(Personal(s)) == Personal(s).
func Personal(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	// E-mails and IBANs before Text: their digits would otherwise become
	// placeholders that break their shape and leave the rest behind.
	if strings.ContainsAny(s, "@＠") {
		s = emailPattern.ReplaceAllLiteralString(s, Email)
	}
	s = ibanPattern.ReplaceAllLiteralString(s, Account)
	s = Text(s)
	for _, p := range addressPatterns {
		s = p.ReplaceAllStringFunc(s, addressReplacement)
	}
	for _, p := range namePatterns {
		s = p.ReplaceAllStringFunc(s, nameReplacement)
	}
	return s
}

// addressLead are characters an address match may start with that belong
// to the sentence, not the address ("寄到…", "我住…"): a regular expression
// cannot tell a verb from a place name, so they are handed back.
const addressLead = "寄送发發到至往在住于於是为為的从從去来來址：:我你您请請把"

// addressReplacement replaces an address and keeps the sentence's words
// that the match took in front of it.
func addressReplacement(match string) string {
	rest := strings.TrimLeft(match, addressLead)
	return match[:len(match)-len(rest)] + Address
}

// nameReplacement keeps a name's cue and replaces the name: "我叫[name]",
// "Dear [name]", "收件人：[name]", "[name]先生".
func nameReplacement(match string) string {
	for _, title := range nameTitles {
		if strings.HasSuffix(match, title) {
			return Name + title
		}
	}
	lower := strings.ToLower(match)
	for _, cue := range nameCues {
		if strings.HasPrefix(lower, cue) {
			rest := match[len(cue):]
			sep := rest[:len(rest)-len(strings.TrimLeft(rest, " \t:："))]
			return match[:len(cue)] + sep + Name
		}
	}
	return Name
}
