package llm

import (
	"regexp"
	"strings"

	"github.com/scamguard/scamguard/redact"
)

// Placeholders that scrub adds to redact's ([phone], [card], [id], [number]).
const (
	placeholderEmail  = "[email]"
	placeholderHandle = "[handle]"
	placeholderName   = "[name]"
	placeholderLink   = "[link]"
)

var (
	emailPattern  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	handlePattern = regexp.MustCompile(`@[A-Za-z0-9_]{4,32}`)
	// urlPattern finds links; the path and query (tokens, order ids,
	// tracking codes) are dropped and the host kept, because a look-alike
	// host is evidence.
	urlPattern = regexp.MustCompile(`(?i)\b((?:https?://|www\.)[^\s/?#<>"'，。）]+)[^\s<>"'，。）]*`)
	// Names are found by their cue: an introduction, a salutation, or a
	// common surname before 先生/女士/小姐. What is missed stays: names
	// alone identify less than the numbers redact removes.
	namePatterns = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:[Mm]y name is|[Dd]ear|Mr\.?|Mrs\.?|Ms\.?|Miss)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?`),
		regexp.MustCompile(`(?:我叫|我姓|本人)\p{Han}{1,3}`),
		regexp.MustCompile(`[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸錢龔賀顧]\p{Han}?(?:先生|女士|小姐)`),
	}
)

// scrub removes what identifies or reaches a person before text leaves for
// the LLM: redact's numbers, then e-mail addresses, handles, names by cue
// and the paths of links. The window is redacted by the store already;
// scrubbing again costs little and covers windows from elsewhere.
func scrub(s string) string {
	s = redact.Text(s)
	s = emailPattern.ReplaceAllLiteralString(s, placeholderEmail)
	s = handlePattern.ReplaceAllLiteralString(s, placeholderHandle)
	s = urlPattern.ReplaceAllStringFunc(s, func(link string) string {
		host := urlPattern.FindStringSubmatch(link)[1]
		if host == link {
			return link
		}
		return host + "/…"
	})
	for _, p := range namePatterns {
		s = p.ReplaceAllStringFunc(s, nameReplacement)
	}
	return s
}

// nameReplacement keeps a name's cue and replaces the name: "我叫[name]",
// "Dear [name]", "[name]先生".
func nameReplacement(match string) string {
	for _, cue := range []string{"先生", "女士", "小姐"} {
		if strings.HasSuffix(match, cue) {
			return placeholderName + cue
		}
	}
	for _, cue := range []string{"我叫", "我姓", "本人"} {
		if strings.HasPrefix(match, cue) {
			return cue + placeholderName
		}
	}
	if space := strings.IndexAny(match, " \t"); space >= 0 {
		cue := strings.TrimSpace(match[:space])
		if strings.EqualFold(cue, "my") {
			cue = match[:len("my name is")]
		}
		return cue + " " + placeholderName
	}
	return placeholderName
}

// scrubLinks replaces every link with a placeholder: a reason shown to the
// user must not carry a link the other party planted.
func scrubLinks(s string) string {
	return urlPattern.ReplaceAllLiteralString(s, placeholderLink)
}
