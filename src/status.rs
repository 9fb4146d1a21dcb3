//! Status categories (METRICS.md §2): every status maps to exactly one [`Category`].
//!
//! Precedence, first that applies wins: per-team config, per-source config, global config,
//! the category the source itself provides (with the committed rule), the default name
//! patterns, and the `backlog` fallback. The mapping used is recorded so that a user can
//! see it (`tables/status_map.csv`, `--explain-statuses`) and fix it.
//!
//! The default patterns cover English and the workflow words trackers ship in German, French,
//! Spanish, Portuguese, Italian, Dutch, Chinese (simplified and traditional), Japanese, Korean
//! and Russian. Matching ignores case and accents ([`normalise`] folds "Terminé" to
//! "termine", "Straße" to "strasse", "решён" to "решен"). A pattern is matched as whole
//! words, except a pattern written in Han, Hiragana or Katakana, scripts without spaces,
//! which matches as a substring ("状态：已完成" is done); Korean uses spaces, so whole words.

use crate::model::{Category, SourceCategory};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which rule decided a status's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// `[team_statuses."Team"]` in the config.
    TeamConfig,
    /// `[source_statuses."source"]` in the config.
    SourceConfig,
    /// `[statuses]` in the config.
    GlobalConfig,
    /// The source system's own category.
    SourceCategory,
    /// A default name pattern.
    Pattern,
    /// No pattern matched: `backlog` by the fallback (a warning).
    Fallback,
    /// An activity log's step (METRICS.md §11): active while it runs, waiting after it,
    /// done (or canceled) as the case's last.
    Activity,
}

impl Rule {
    /// Stable id used in tables.
    pub fn id(self) -> &'static str {
        match self {
            Rule::TeamConfig => "team_config",
            Rule::SourceConfig => "source_config",
            Rule::GlobalConfig => "global_config",
            Rule::SourceCategory => "source_category",
            Rule::Pattern => "pattern",
            Rule::Fallback => "fallback",
            Rule::Activity => "activity",
        }
    }
}

/// The default name patterns, in the order they are tried: the first row with a matching
/// pattern wins (METRICS.md §2). `accepted` is handled separately (whole name only, never for
/// composite XES statuses). Patterns are written normalised: lower case, no accents.
///
/// The rows are canceled, done, blocked, waiting, backlog, active, with three small rows of
/// *qualified forms* tried between canceled and done. Each of those contains a done word but
/// means something else, and would otherwise be taken by the done row:
/// - "ready for" / "waiting for" forms: "listo para", "pronto per", "klaar voor", "fertig
///   zum", "готово к", Japanese "〜待ち" ("完了待ち", "確認待ち": every 待ち is waiting), and
///   "待关闭" (to be closed) are `waiting`;
/// - negated forms: "未完成", "未解决", "未完了" (not yet done), "待解决" (to be resolved),
///   "non résolu", "nicht erledigt", "не решено"… are `backlog`, like "未着手" and "未対応";
/// - "解决中" (being resolved) is `active`.
///
/// Canceled stays first, so "wird nicht erledigt" and "не будет сделано" (won't do) are
/// canceled. Korean is matched as whole words, so "미완료" never matches "완료".
#[rustfmt::skip]
pub const PATTERNS: &[(Category, &[&str])] = &[
    (
        Category::Canceled,
        &[
            "canceled", "cancelled", "won't do", "wont do", "won't fix", "wont fix", "rejected",
            "duplicate", "invalid", "abandoned", "withdrawn", "not planned", "removed",
            // German
            "abgebrochen", "storniert", "abgelehnt", "duplikat", "verworfen", "zuruckgezogen",
            "ungultig", "wird nicht erledigt", "wird nicht behoben", "wird nicht umgesetzt",
            // French
            "annule", "annulee", "rejete", "rejetee", "refuse", "refusee", "doublon",
            "abandonne", "abandonnee", "invalide", "sans suite", "ne sera pas fait",
            "ne sera pas corrige",
            // Spanish
            "cancelado", "cancelada", "rechazado", "rechazada", "duplicado", "duplicada",
            "descartado", "descartada", "anulado", "anulada", "abandonado", "abandonada",
            "no se hara", "no se corregira",
            // Portuguese
            "rejeitado", "rejeitada", "recusado", "recusada", "nao sera feito",
            "nao sera corrigido",
            // Italian
            "annullato", "annullata", "rifiutato", "rifiutata", "respinto", "respinta",
            "duplicato", "duplicata", "scartato", "scartata", "abbandonato", "abbandonata",
            "non verra fatto",
            // Dutch
            "geannuleerd", "afgewezen", "afgekeurd", "geweigerd", "duplicaat", "vervallen",
            "ingetrokken",
            // Russian
            "отменен", "отменена", "отменено", "отклонен", "отклонена", "отклонено", "дубликат",
            "дубль", "отказ", "отказано", "не будет сделано", "не будет исправлено",
            // Chinese (simplified, then traditional)
            "取消", "已取消", "拒绝", "已拒绝", "重复", "作废", "已作废", "废弃", "已废弃", "无效",
            "放弃", "已放弃", "不修复", "不予解决", "不予处理", "无法重现", "无法复现",
            "拒絕", "已拒絕", "重複", "作廢", "已作廢", "廢棄", "無效", "放棄", "已放棄", "不修復",
            "不予解決", "無法重現",
            // Japanese
            "キャンセル", "取り消し", "取消し", "却下", "破棄", "無効", "対応しない", "対象外",
            // Korean
            "취소", "취소됨", "거부", "거부됨", "거절", "거절됨", "반려", "반려됨", "중복",
        ],
    ),
    // Qualified forms (see above): "ready for" and "waiting for" forms of a done word.
    (
        Category::Waiting,
        &[
            "listo para", "lista para", "listos para", "listas para", "pronto para",
            "pronta para", "prontos para", "pronto per", "pronta per", "pronti per",
            "klaar voor", "gereed voor", "fertig fur", "fertig zum", "fertig zur",
            "готов к", "готово к", "готова к", "готовы к", "готов для", "готово для",
            "待ち", "待关闭", "待關閉",
        ],
    ),
    // Qualified forms: negated or "to be done" forms of a done word.
    (
        Category::Backlog,
        &[
            "nicht erledigt", "nicht gelost", "nicht abgeschlossen", "non resolu", "non resolue",
            "non termine", "non terminee", "no resuelto", "no resuelta", "no completado",
            "nao resolvido", "nao concluido", "nao concluida", "nao feito", "non risolto",
            "non risolta", "non completato", "non fatto", "niet opgelost", "niet afgerond",
            "niet gedaan", "не решено", "не решен", "не решена", "не выполнено", "не выполнен",
            "не выполнена", "не завершено", "не сделано", "не готово",
            "未完成", "未解决", "未解決", "未关闭", "未關閉", "未结束", "未結束", "未完了",
            "待完成", "待解决", "待解決",
        ],
    ),
    // Qualified forms: "being resolved".
    (Category::Active, &["解决中", "解決中"]),
    (
        Category::Done,
        &[
            "done", "closed", "resolved", "complete", "completed", "released", "shipped",
            "deployed", "merged", "fixed", "finished",
            // German
            "erledigt", "fertig", "geschlossen", "abgeschlossen", "gelost", "behoben",
            "fertiggestellt", "ausgeliefert", "veroffentlicht",
            // French
            "termine", "terminee", "fait", "faite", "ferme", "fermee", "resolu", "resolue",
            "acheve", "achevee", "cloture", "cloturee", "corrige", "corrigee", "deploye",
            "deployee",
            // Spanish
            "hecho", "hecha", "listo", "terminado", "terminada", "finalizado", "finalizada",
            "cerrado", "cerrada", "resuelto", "resuelta", "completado", "completada",
            "entregado", "desplegado", "corregido",
            // Portuguese
            "concluido", "concluida", "feito", "feita", "pronto", "fechado", "fechada",
            "resolvido", "resolvida", "encerrado", "encerrada", "entregue", "corrigido",
            "implantado",
            // Italian
            "completato", "completata", "fatto", "fatta", "chiuso", "chiusa", "risolto",
            "risolta", "terminato", "terminata", "concluso", "conclusa", "finito", "finita",
            "rilasciato",
            // Dutch
            "klaar", "gereed", "gesloten", "opgelost", "afgerond", "voltooid", "afgehandeld",
            "gedaan", "opgeleverd", "uitgevoerd",
            // Russian
            "готово", "готов", "готова", "выполнено", "выполнена", "выполнен", "сделано",
            "сделана", "закрыт", "закрыта", "закрыто", "решен", "решена", "решено", "завершено",
            "завершена", "завершен", "исправлено", "исправлен", "исправлена",
            // Chinese (simplified, then traditional)
            "完成", "已完成", "解决", "已解决", "关闭", "已关闭", "已修复", "已处理", "已发布",
            "已上线", "已部署", "已交付", "已验收", "已合并", "结束", "已结束",
            "解決", "已解決", "關閉", "已關閉", "已修復", "已處理", "已發布", "已發佈", "已上線",
            "已驗收", "已合併", "結束", "已結束",
            // Japanese
            "完了", "解決済み", "終了", "クローズ", "対応済", "処理済", "リリース済", "マージ済",
            // Korean
            "완료", "완료됨", "해결됨", "닫힘", "종료", "종료됨", "배포됨",
        ],
    ),
    (
        Category::Blocked,
        &[
            "blocked", "impeded", "on hold", "stuck", "flagged",
            // German
            "blockiert", "zuruckgestellt", "pausiert", "angehalten",
            // French
            "bloque", "bloquee", "suspendu", "suspendue", "en pause",
            // Spanish
            "bloqueado", "bloqueada", "en pausa", "suspendido", "suspendida", "detenido",
            "detenida",
            // Portuguese
            "impedido", "impedida", "suspenso", "suspensa", "pausado", "pausada", "em pausa",
            // Italian
            "bloccato", "bloccata", "sospeso", "sospesa", "in pausa",
            // Dutch
            "geblokkeerd", "in de wacht", "gepauzeerd",
            // Russian
            "заблокирован", "заблокирована", "заблокировано", "блокирован", "блокирована",
            "блокировано", "отложен", "отложено", "отложена", "приостановлен", "приостановлено",
            "приостановлена", "на паузе",
            // Chinese (simplified, then traditional)
            "阻塞", "已阻塞", "受阻", "挂起", "已挂起", "暂停", "已暂停", "搁置", "已搁置",
            "掛起", "已掛起", "暫停", "已暫停", "擱置",
            // Japanese
            "ブロック", "保留", "一時停止", "中断", "停止中",
            // Korean
            "차단", "차단됨", "보류", "보류 중", "보류중", "보류됨", "일시 중지", "일시중지",
        ],
    ),
    (
        Category::Waiting,
        &[
            "waiting", "wait", "awaiting", "pending", "queued", "ready for", "to review",
            "to test", "in queue", "parked",
            // German
            "wartend", "warten", "wartet", "ausstehend", "in warteschlange", "bereit fur",
            "bereit zum", "bereit zur", "zur prufung",
            // French
            "en attente", "a valider", "a tester", "a verifier", "a relire", "pret pour",
            "prete pour",
            // Spanish
            "en espera", "a la espera", "esperando", "pendiente", "pendientes", "por revisar",
            "por probar", "por validar", "en cola",
            // Portuguese
            "aguardando", "pendente", "pendentes", "em espera", "na fila", "a revisar",
            "a testar", "a validar",
            // Italian
            "in attesa", "in coda", "da verificare", "da testare", "da revisionare",
            "da approvare", "da validare",
            // Dutch
            "wachten", "wachtend", "wacht op", "in afwachting", "in de wachtrij", "te testen",
            "te reviewen", "te beoordelen", "te controleren",
            // Russian
            "в ожидании", "ожидание", "ожидает", "ожидают", "в очереди", "ждет",
            // Chinese (simplified, then traditional); Japanese 〜待ち is a qualified form
            "等待", "待审核", "待审批", "待评审", "待测试", "待验证", "待验收", "待确认", "待发布",
            "待上线", "待部署", "待合并", "排队中",
            "待審核", "待審批", "待評審", "待測試", "待驗證", "待驗收", "待確認", "待發布",
            "待發佈", "待上線", "待合併", "排隊中",
            // Japanese
            "待機",
            // Korean
            "대기", "대기 중", "대기중",
        ],
    ),
    (
        Category::Backlog,
        &[
            "to do", "todo", "open", "new", "backlog", "triage", "selected for development",
            "icebox", "reopened", "proposed", "planned",
            // German
            "zu erledigen", "zu tun", "offen", "neu", "geplant", "geoffnet",
            // French
            "a faire", "nouveau", "nouvelle", "ouvert", "ouverte", "rouvert", "rouverte",
            "reouvert", "reouverte",
            // Spanish
            "por hacer", "nuevo", "nueva", "abierto", "abierta", "reabierto", "reabierta",
            "sin resolver", "sin empezar", "sin iniciar", "sin hacer",
            // Portuguese
            "a fazer", "por fazer", "novo", "nova", "aberto", "aberta", "reaberto", "reaberta",
            "nao iniciado", "nao iniciada",
            // Italian
            "da fare", "nuovo", "nuova", "aperto", "aperta", "riaperto", "riaperta",
            "da iniziare",
            // Dutch
            "te doen", "nieuw", "heropend", "gepland",
            // Russian
            "сделать", "к выполнению", "открыт", "открыта", "открыто", "переоткрыт",
            "переоткрыта", "переоткрыто", "новый", "новая", "новое", "бэклог", "запланировано",
            "не начато",
            // Chinese (simplified, then traditional)
            "待办", "待处理", "待开发", "新建", "打开", "开放", "未开始", "规划中",
            "待辦", "待處理", "待開發", "開啟", "開放", "未開始", "規劃中",
            // Japanese
            "未着手", "未対応", "未処理", "新規", "オープン", "バックログ",
            // Korean
            "할 일", "신규", "열림", "백로그", "미완료", "미해결", "시작 전",
        ],
    ),
    (
        Category::Active,
        &[
            "in progress", "active", "doing", "development", "in dev", "implementing",
            "in review", "reviewing", "code review", "testing", "in test", "qa", "analysis",
            "design", "working", "assigned", "in call",
            // German
            "in arbeit", "in bearbeitung", "in prufung", "in uberprufung", "in entwicklung",
            "in umsetzung", "im test", "in analyse", "wird bearbeitet", "wird getestet",
            // French
            "en cours", "en revue", "en test", "en tests", "en developpement", "en recette",
            "en validation", "en analyse", "en verification", "en relecture",
            // Spanish
            "en curso", "en progreso", "en proceso", "en revision", "en pruebas", "en prueba",
            "en desarrollo", "en analisis", "en validacion", "revisando", "probando",
            // Portuguese
            "em andamento", "em progresso", "em revisao", "em teste", "em testes",
            "em desenvolvimento", "em analise", "em validacao", "em homologacao", "em execucao",
            "fazendo",
            // Italian
            "in corso", "in revisione", "in lavorazione", "in sviluppo", "in verifica",
            "in analisi", "in esecuzione", "in progresso",
            // Dutch
            "bezig", "in uitvoering", "in behandeling", "in ontwikkeling", "in beoordeling",
            // Russian
            "в работе", "в процессе", "на проверке", "проверка", "на ревью", "ревью",
            "тестирование", "на тестировании", "в тестировании", "в разработке", "разработка",
            "анализ",
            // Chinese (simplified, then traditional)
            "进行中", "处理中", "开发中", "测试中", "审核中", "评审中", "实现中", "修复中",
            "验证中", "分析中", "设计中", "正在处理", "正在进行", "正在开发",
            "進行中", "處理中", "開發中", "測試中", "審核中", "評審中", "實現中", "修復中",
            "驗證中", "設計中",
            // Japanese
            "対応中", "作業中", "レビュー中", "テスト中", "開発中", "実装中", "検証中", "確認中",
            "修正中", "着手中", "処理中",
            // Korean
            "진행 중", "진행중", "검토 중", "검토중", "리뷰 중", "리뷰중", "테스트 중", "테스트중",
            "개발 중", "개발중", "작업 중", "작업중", "처리 중", "처리중", "확인 중", "확인중",
        ],
    ),
];

/// Normalise a status name for matching: lower case, Latin accents folded to the base letter
/// (`é` → `e`, `ß` → `ss`, also when written as a letter plus a combining accent) and
/// Cyrillic `ё` to `е`, typographic apostrophes to `'`, hyphens and underscores to spaces,
/// runs of white space to one space, trimmed.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let ch = match ch {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => '\'',
            '-' | '_' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if ch == ' ' {
            space = true;
            continue;
        }
        // A combining accent after a Latin letter (decomposed "e\u{301}"): drop it.
        if ('\u{0300}'..='\u{036F}').contains(&ch)
            && !space
            && out.ends_with(|c: char| c.is_ascii_alphabetic())
        {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        match fold_accent(ch) {
            Some(base) => out.push_str(base),
            None => out.push(ch),
        }
    }
    out
}

/// The base letters of an accented lower-case Latin letter (and Cyrillic `ё`), or `None` to
/// keep the letter. [`normalise`] lower-cases first, so upper case is folded too.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '\u{0451}' => "\u{0435}", // Cyrillic ё → е
        _ => return None,
    })
}

/// Is `c` Han, Hiragana or Katakana (scripts written without spaces between words)?
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}' // 々 〆 〇
        | '\u{3040}'..='\u{309F}' // Hiragana
        | '\u{30A0}'..='\u{30FF}' // Katakana
        | '\u{31F0}'..='\u{31FF}' // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3134F}' // CJK extensions B to G
    )
}

/// Does `pattern` occur in the normalised `name` as whole words? A match must not be
/// preceded or followed by a letter or digit (so `done` matches "dev done" and
/// "done/closed" but not "undone"); Han, Hiragana and Katakana, written without spaces,
/// count as word boundaries ("qa中"). A pattern containing Han, Hiragana or Katakana
/// matches as a plain substring ("已完成" in "状态：已完成").
pub fn matches_words(name: &str, pattern: &str) -> bool {
    if pattern.chars().any(is_cjk) {
        return find(name, pattern).is_some();
    }
    let word = |c: char| c.is_alphanumeric() && !is_cjk(c);
    let mut from = 0;
    while let Some(pos) = find(&name[from..], pattern) {
        let start = from + pos;
        let end = start + pattern.len();
        let before_ok = name[..start].chars().next_back().is_none_or(|c| !word(c));
        let after_ok = name[end..].chars().next().is_none_or(|c| !word(c));
        if before_ok && after_ok {
            return true;
        }
        from = start + name[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Where `pattern` first occurs in `hay`, as [`str::find`] gives it. A plain scan: status
/// names are short and each is tried against every one of the ~770 default patterns, where
/// building `str::find`'s two-way searcher for each pair cost more than the search (a tenth of
/// a small log's serial start, docs/PERFORMANCE.md). A match of whole UTF-8 text always
/// starts on a character boundary, so the byte offsets are the same.
fn find(hay: &str, pattern: &str) -> Option<usize> {
    let (h, p) = (hay.as_bytes(), pattern.as_bytes());
    let Some(&first) = p.first() else {
        return Some(0);
    };
    let last = h.len().checked_sub(p.len())?;
    (0..=last).find(|&i| h[i] == first && &h[i..i + p.len()] == p)
}

/// The category the default patterns give, or `None` when none matches (the fallback).
/// `composite` is true for a status built from more than one XES attribute.
pub fn pattern_category(status: &str, composite: bool) -> Option<Category> {
    let n = normalise(status);
    for (cat, pats) in PATTERNS {
        if pats.iter().any(|p| matches_words(&n, p)) {
            return Some(*cat);
        }
        if *cat == Category::Done && n == "accepted" && !composite {
            return Some(Category::Done);
        }
    }
    None
}

/// Category for a status the source calls *committed*: the patterns choose active,
/// waiting or blocked; a done-like name is a queue (`waiting`), anything else `active`.
fn committed_category(status: &str, composite: bool) -> Category {
    match pattern_category(status, composite) {
        Some(c @ (Category::Active | Category::Waiting | Category::Blocked)) => c,
        Some(Category::Done) => Category::Waiting,
        _ => Category::Active,
    }
}

/// Status → category overrides from the config (keys compared case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct StatusOverrides {
    /// `[statuses]`.
    pub global: BTreeMap<String, Category>,
    /// `[team_statuses."Team"]`, keyed by team name.
    pub per_team: BTreeMap<String, BTreeMap<String, Category>>,
    /// `[source_statuses."source"]`, keyed by source.
    pub per_source: BTreeMap<String, BTreeMap<String, Category>>,
}

/// Decides categories, remembering which rule decided each (status, team, source).
///
/// Categorising runs once per status event, so the pattern result of every status known in
/// advance is cached ([`Categorizer::prepare`]) and lookups allocate nothing.
#[derive(Debug, Clone, Default)]
pub struct Categorizer {
    overrides: StatusOverrides,
    composite: BTreeSet<String>,
    /// source → status → category.
    source_categories: BTreeMap<String, BTreeMap<String, SourceCategory>>,
    /// status → pattern category (None = fallback), for the statuses prepared.
    patterns: rustc_hash::FxHashMap<String, Option<Category>>,
}

/// Lower-case key for case-insensitive status lookups.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Categorizer {
    /// A categorizer with config overrides, the composite XES statuses and the
    /// source-provided categories.
    pub fn new(
        overrides: StatusOverrides,
        composite: BTreeSet<String>,
        source_categories: BTreeMap<(String, String), SourceCategory>,
    ) -> Self {
        let lower =
            |m: BTreeMap<String, Category>| m.into_iter().map(|(k, v)| (key(&k), v)).collect();
        let overrides = StatusOverrides {
            global: lower(overrides.global),
            per_team: overrides
                .per_team
                .into_iter()
                .map(|(t, m)| (t, lower(m)))
                .collect(),
            per_source: overrides
                .per_source
                .into_iter()
                .map(|(s, m)| (s, lower(m)))
                .collect(),
        };
        let mut by_source: BTreeMap<String, BTreeMap<String, SourceCategory>> = BTreeMap::new();
        for ((src, status), c) in source_categories {
            by_source.entry(src).or_default().insert(status, c);
        }
        Categorizer {
            overrides,
            composite,
            source_categories: by_source,
            patterns: Default::default(),
        }
    }

    /// Cache the pattern category of these statuses (the distinct statuses of the data).
    pub fn prepare<'a>(&mut self, statuses: impl IntoIterator<Item = &'a str>) {
        for s in statuses {
            if !self.patterns.contains_key(s) {
                let c = pattern_category(s, self.composite.contains(s));
                self.patterns.insert(s.to_string(), c);
            }
        }
    }

    /// [`pattern_category`] of `status` read as a plain (not composite) name, from the cache
    /// filled by [`prepare`](Self::prepare) when it holds it.
    pub fn plain_pattern(&self, status: &str) -> Option<Category> {
        match self.patterns.get(status) {
            Some(c) if !self.composite.contains(status) => *c,
            _ => pattern_category(status, false),
        }
    }

    fn has_overrides(&self) -> bool {
        !(self.overrides.global.is_empty()
            && self.overrides.per_team.is_empty()
            && self.overrides.per_source.is_empty())
    }

    /// Does anything but the fallback map `status` from `source`: a config entry (for any
    /// team), the source's own category, or a pattern row 1–6? (METRICS.md §11, §12.)
    pub fn is_mapped(&self, status: &str, source: Option<&str>) -> bool {
        let k = key(status);
        if self.overrides.per_team.values().any(|m| m.contains_key(&k)) {
            return true;
        }
        self.categorize(status, None, source).1 != Rule::Fallback
    }

    /// The category of `status` for an interval that began with `team` in force, set by an
    /// event from `source`, and the rule that decided it.
    pub fn categorize(
        &self,
        status: &str,
        team: Option<&str>,
        source: Option<&str>,
    ) -> (Category, Rule) {
        if self.has_overrides() {
            let k = key(status);
            if let Some(c) = team
                .and_then(|t| self.overrides.per_team.get(t))
                .and_then(|m| m.get(&k))
            {
                return (*c, Rule::TeamConfig);
            }
            if let Some(c) = source
                .and_then(|s| self.overrides.per_source.get(s))
                .and_then(|m| m.get(&k))
            {
                return (*c, Rule::SourceConfig);
            }
            if let Some(c) = self.overrides.global.get(&k) {
                return (*c, Rule::GlobalConfig);
            }
        }
        let composite = self.composite.contains(status);
        if let Some(sc) = source
            .and_then(|s| self.source_categories.get(s))
            .and_then(|m| m.get(status))
        {
            let c = match sc {
                SourceCategory::Backlog => Category::Backlog,
                SourceCategory::Done => Category::Done,
                SourceCategory::Canceled => Category::Canceled,
                SourceCategory::Committed => committed_category(status, composite),
            };
            return (c, Rule::SourceCategory);
        }
        let pattern = match self.patterns.get(status) {
            Some(c) => *c,
            None => pattern_category(status, composite),
        };
        match pattern {
            Some(c) => (c, Rule::Pattern),
            None => (Category::Backlog, Rule::Fallback),
        }
    }
}

/// One row of the status mapping actually used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatusMapRow {
    /// Status name as found.
    pub status: String,
    /// Team in force when intervals of this status began (empty when none).
    pub team: String,
    /// Category used.
    pub category: Category,
    /// Rule that decided it.
    pub rule: Rule,
    /// Items with at least one interval in this status for this team.
    pub items: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    fn pat(s: &str) -> Option<Category> {
        pattern_category(s, false)
    }

    #[test]
    fn default_patterns_table_driven() {
        let cases: &[(&str, Option<Category>)] = &[
            ("Won’t Do", Some(Canceled)),
            ("Cancelled", Some(Canceled)),
            ("Done", Some(Done)),
            ("Resolved", Some(Done)),
            ("Closed", Some(Done)),
            ("Accepted", Some(Done)),
            ("Blocked", Some(Blocked)),
            ("On-Hold", Some(Blocked)),
            ("Ready for Review", Some(Waiting)),
            ("Awaiting QA", Some(Waiting)),
            ("Wait", Some(Waiting)),
            ("To Do", Some(Backlog)),
            ("Selected_for_Development", Some(Backlog)),
            ("Reopened", Some(Backlog)),
            ("In Progress", Some(Active)),
            ("Code Review", Some(Active)),
            ("QA", Some(Active)),
            ("Resolve ticket", None),
            ("Undone work", None),
            ("Dev Done", Some(Done)),
            ("Queued - Awaiting Assignment", Some(Waiting)),
            ("Completed - Closed", Some(Done)),
            ("Accepted - In Progress", Some(Active)),
            ("Accepted - Wait - User", Some(Waiting)),
        ];
        for (s, want) in cases {
            assert_eq!(pat(s), *want, "{s}");
        }
    }

    #[test]
    fn accepted_only_whole_and_not_composite() {
        assert_eq!(pattern_category("Accepted", true), None);
        assert_eq!(pattern_category("accepted", false), Some(Done));
        assert_eq!(pattern_category("Accepted by PO", false), None);
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise("  Won’t__Do  - Now "), "won't do now");
        assert!(matches_words("dev done", "done"));
        // The plain scan finds what str::find finds, at the same offset, in any script.
        let texts = [
            "",
            "a",
            "done",
            "dev done",
            "undone done",
            "ready for qa",
            "状态：已完成",
            "开发完成",
            "완료됨",
            "ééé",
            "aaab",
            "abab",
            "in arbeit",
            "erledigt",
        ];
        for h in texts {
            for p in texts
                .iter()
                .chain(&["b", "ab", "é", "完成", "已完成", "aab", "done d"])
            {
                assert_eq!(find(h, p), h.find(p), "{p:?} in {h:?}");
            }
        }
        assert!(!matches_words("undone", "done"));
        assert!(matches_words("done/closed", "closed"));
        assert!(matches_words("ready for qa", "ready for"));
        assert!(!matches_words("already for", "ready for"));
    }

    #[test]
    fn precedence_team_beats_source_beats_global_beats_source_category() {
        let mut o = StatusOverrides::default();
        o.global.insert("QA".into(), Waiting);
        o.per_source
            .entry("jira".into())
            .or_default()
            .insert("qa".into(), Blocked);
        o.per_team
            .entry("Payments".into())
            .or_default()
            .insert("Qa".into(), Done);
        let mut sc = BTreeMap::new();
        sc.insert(
            ("jira".to_string(), "Dev Done".to_string()),
            SourceCategory::Committed,
        );
        sc.insert(
            ("jira".to_string(), "Test".to_string()),
            SourceCategory::Committed,
        );
        let c = Categorizer::new(o, BTreeSet::new(), sc);
        assert_eq!(
            c.categorize("QA", Some("Payments"), Some("jira")),
            (Done, Rule::TeamConfig)
        );
        assert_eq!(
            c.categorize("QA", Some("Search"), Some("jira")),
            (Blocked, Rule::SourceConfig)
        );
        assert_eq!(
            c.categorize("QA", Some("Search"), Some("csv")),
            (Waiting, Rule::GlobalConfig)
        );
        // Jira committed + done-like name: a queue inside the workflow.
        assert_eq!(
            c.categorize("Dev Done", None, Some("jira")),
            (Waiting, Rule::SourceCategory)
        );
        assert_eq!(
            c.categorize("Test", None, Some("jira")),
            (Active, Rule::SourceCategory)
        );
        assert_eq!(
            c.categorize("Dev Done", None, Some("csv")),
            (Done, Rule::Pattern)
        );
        assert_eq!(
            c.categorize("Triage pile", None, None),
            (Backlog, Rule::Pattern)
        );
        assert_eq!(
            c.categorize("Resolve ticket", None, None),
            (Backlog, Rule::Fallback)
        );
    }

    fn check(cases: &[(&str, Category)]) {
        for (s, want) in cases {
            assert_eq!(pat(s), Some(*want), "{s}");
        }
    }

    #[test]
    fn every_pattern_is_normalised_unique_and_lands_in_its_own_row() {
        let mut seen = BTreeSet::new();
        for (cat, pats) in PATTERNS {
            for p in *pats {
                assert_eq!(normalise(p), *p, "pattern not normalised: {p}");
                assert!(seen.insert(*p), "pattern listed twice: {p}");
                // Used alone as a status name, no earlier row takes it.
                assert_eq!(pat(p), Some(*cat), "{p}");
            }
        }
    }

    #[test]
    fn names_from_metrics() {
        check(&[
            ("Erledigt", Done),
            ("Terminé", Done),
            ("Hecho", Done),
            ("Concluído", Done),
            ("完成", Done),
            ("已完成", Done),
            ("进行中", Active),
            ("処理中", Active),
            ("완료", Done),
            ("В работе", Active),
        ]);
    }

    #[test]
    fn accents_and_case_are_ignored() {
        check(&[
            ("TERMINÉ", Done),
            ("termine", Done),
            ("Terminé", Done),
            ("Terminée", Done),
        ]);
        // Decomposed accents: "Terminé" as e + U+0301.
        assert_eq!(pat("Termine\u{301}"), Some(Done));
        assert_eq!(pat("EN RÉVISIÓN"), Some(Active));
        assert_eq!(pat("GELÖST"), Some(Done));
        assert_eq!(pat("À FAIRE"), Some(Backlog));
        assert_eq!(pat("ÇA BLOQUE"), Some(Blocked));
        assert_eq!(pat("Решён"), Some(Done));
        assert_eq!(pat("ОТМЕНЁН"), Some(Canceled));
        assert_eq!(
            normalise("Ça Déjà — STRAẞE œuvre"),
            "ca deja strasse oeuvre"
        );
        assert_eq!(normalise("Ñandú_Ångström"), "nandu angstrom");
        // Other scripts are only lower-cased.
        assert_eq!(
            normalise("В Работе 進行中 진행 중"),
            "в работе 進行中 진행 중"
        );
    }

    #[test]
    fn cjk_patterns_match_as_substrings() {
        assert!(matches_words("状态：已完成", "已完成"));
        assert!(matches_words("开发完成", "完成"));
        assert!(!matches_words("已完成", "done"));
        check(&[
            ("已完成", Done),
            ("状态：已完成", Done),
            ("Status: 已完成", Done),
            ("进行中", Active),
            ("当前进行中", Active),
            ("开发完成", Done),
        ]);
        // Han and Kana are word boundaries for Latin patterns.
        check(&[("QA中", Active), ("Done（完了）", Done)]);
        // Korean uses spaces: whole words only.
        assert_eq!(pat("미완료"), Some(Backlog));
        assert!(!matches_words("완료됨", "완료"));
    }

    #[test]
    fn qualified_forms_beat_the_done_row() {
        check(&[
            ("未完成", Backlog),
            ("尚未完成", Backlog),
            ("未解决", Backlog),
            ("待解决", Backlog),
            ("未完了", Backlog),
            ("未着手", Backlog),
            ("未対応", Backlog),
            ("解决中", Active),
            ("解決中", Active),
            ("待关闭", Waiting),
            ("完了待ち", Waiting),
            ("解決待ち", Waiting),
            ("クローズ待ち", Waiting),
            ("確認待ち", Waiting),
            ("待测试", Waiting),
            ("待审核", Waiting),
            ("Listo para QA", Waiting),
            ("Listo", Done),
            ("Pronto para revisão", Waiting),
            ("Pronto", Done),
            ("Pronto per il test", Waiting),
            ("Klaar voor test", Waiting),
            ("Klaar", Done),
            ("Fertig zum Testen", Waiting),
            ("Fertig", Done),
            ("Готово к тестированию", Waiting),
            ("Готов к релизу", Waiting),
            ("Готово", Done),
            ("Non résolu", Backlog),
            ("Nicht erledigt", Backlog),
            ("Не решено", Backlog),
            // Canceled is still tried first.
            ("Wird nicht erledigt", Canceled),
            ("Ne sera pas fait", Canceled),
            ("Не будет сделано", Canceled),
            ("不予解决", Canceled),
        ]);
    }

    #[test]
    fn german() {
        check(&[
            ("Zu erledigen", Backlog),
            ("Offen", Backlog),
            ("Neu", Backlog),
            ("In Arbeit", Active),
            ("In Bearbeitung", Active),
            ("In Prüfung", Active),
            ("Bereit für Test", Waiting),
            ("Warten auf Kunde", Waiting),
            ("Wartend", Waiting),
            ("Blockiert", Blocked),
            ("Zurückgestellt", Blocked),
            ("Erledigt", Done),
            ("Fertig", Done),
            ("Geschlossen", Done),
            ("Abgeschlossen", Done),
            ("Gelöst", Done),
            ("Abgebrochen", Canceled),
            ("Storniert", Canceled),
            ("Abgelehnt", Canceled),
            ("Duplikat", Canceled),
        ]);
    }

    #[test]
    fn french() {
        check(&[
            ("À faire", Backlog),
            ("Nouveau", Backlog),
            ("Ouvert", Backlog),
            ("En cours", Active),
            ("En revue", Active),
            ("En test", Active),
            ("En attente", Waiting),
            ("En attente de validation", Waiting),
            ("À tester", Waiting),
            ("Bloqué", Blocked),
            ("Terminé", Done),
            ("Fait", Done),
            ("Fermé", Done),
            ("Résolu", Done),
            ("Annulé", Canceled),
            ("Rejeté", Canceled),
            ("Doublon", Canceled),
        ]);
    }

    #[test]
    fn spanish() {
        check(&[
            ("Por hacer", Backlog),
            ("Tareas por hacer", Backlog),
            ("Nuevo", Backlog),
            ("Abierto", Backlog),
            ("En curso", Active),
            ("En progreso", Active),
            ("En revisión", Active),
            ("En pruebas", Active),
            ("En espera", Waiting),
            ("Pendiente", Waiting),
            ("Bloqueado", Blocked),
            ("Hecho", Done),
            ("Listo", Done),
            ("Terminado", Done),
            ("Cerrado", Done),
            ("Resuelto", Done),
            ("Cancelado", Canceled),
            ("Rechazado", Canceled),
            ("Duplicado", Canceled),
        ]);
    }

    #[test]
    fn portuguese() {
        check(&[
            ("A fazer", Backlog),
            ("Novo", Backlog),
            ("Aberto", Backlog),
            ("Em andamento", Active),
            ("Em progresso", Active),
            ("Em revisão", Active),
            ("Em teste", Active),
            ("Aguardando", Waiting),
            ("Pendente", Waiting),
            ("Bloqueado", Blocked),
            ("Concluído", Done),
            ("Feito", Done),
            ("Fechado", Done),
            ("Resolvido", Done),
            ("Cancelado", Canceled),
            ("Rejeitado", Canceled),
            ("Não concluído", Backlog),
        ]);
    }

    #[test]
    fn italian() {
        check(&[
            ("Da fare", Backlog),
            ("Nuovo", Backlog),
            ("Aperto", Backlog),
            ("In corso", Active),
            ("In revisione", Active),
            ("In attesa", Waiting),
            ("Sospeso", Blocked),
            ("Bloccato", Blocked),
            ("Completato", Done),
            ("Fatto", Done),
            ("Chiuso", Done),
            ("Risolto", Done),
            ("Annullato", Canceled),
            ("Rifiutato", Canceled),
            ("Non risolto", Backlog),
        ]);
    }

    #[test]
    fn dutch() {
        check(&[
            ("Te doen", Backlog),
            ("Nieuw", Backlog),
            ("Bezig", Active),
            ("In uitvoering", Active),
            ("In behandeling", Active),
            ("Wachten", Waiting),
            ("In afwachting", Waiting),
            ("Geblokkeerd", Blocked),
            ("Klaar", Done),
            ("Gereed", Done),
            ("Gesloten", Done),
            ("Opgelost", Done),
            ("Afgerond", Done),
            ("Geannuleerd", Canceled),
            ("Afgewezen", Canceled),
        ]);
    }

    #[test]
    fn russian() {
        check(&[
            ("Сделать", Backlog),
            ("К выполнению", Backlog),
            ("Открыт", Backlog),
            ("Открыта", Backlog),
            ("Новый", Backlog),
            ("Новая", Backlog),
            ("В работе", Active),
            ("В процессе", Active),
            ("На проверке", Active),
            ("На ревью", Active),
            ("Тестирование", Active),
            ("В ожидании", Waiting),
            ("Ожидает проверки", Waiting),
            ("Заблокирован", Blocked),
            ("Отложено", Blocked),
            ("Готово", Done),
            ("Выполнено", Done),
            ("Сделано", Done),
            ("Закрыта", Done),
            ("Решён", Done),
            ("Решено", Done),
            ("Отменён", Canceled),
            ("Отклонена", Canceled),
            ("Дубликат", Canceled),
        ]);
    }

    #[test]
    fn chinese() {
        check(&[
            ("待办", Backlog),
            ("待处理", Backlog),
            ("新建", Backlog),
            ("重新打开", Backlog),
            ("进行中", Active),
            ("开发中", Active),
            ("测试中", Active),
            ("评审中", Active),
            ("待审核", Waiting),
            ("待测试", Waiting),
            ("等待", Waiting),
            ("阻塞", Blocked),
            ("挂起", Blocked),
            ("完成", Done),
            ("已完成", Done),
            ("已解决", Done),
            ("已关闭", Done),
            ("已取消", Canceled),
            ("已拒绝", Canceled),
            ("重复", Canceled),
            ("未完成", Backlog),
            // Traditional.
            ("待辦", Backlog),
            ("進行中", Active),
            ("處理中", Active),
            ("已完成", Done),
            ("已解決", Done),
            ("已關閉", Done),
            ("關閉", Done),
            ("已取消", Canceled),
            ("阻塞", Blocked),
            ("等待", Waiting),
            ("待測試", Waiting),
            ("未解決", Backlog),
        ]);
    }

    #[test]
    fn japanese() {
        check(&[
            ("未着手", Backlog),
            ("未対応", Backlog),
            ("新規", Backlog),
            ("オープン", Backlog),
            ("再オープン", Backlog),
            ("進行中", Active),
            ("処理中", Active),
            ("対応中", Active),
            ("レビュー中", Active),
            ("テスト中", Active),
            ("確認待ち", Waiting),
            ("保留", Blocked),
            ("ブロック", Blocked),
            ("完了", Done),
            ("解決済み", Done),
            ("終了", Done),
            ("クローズ", Done),
            ("処理済み", Done),
            ("キャンセル", Canceled),
            ("却下", Canceled),
            ("重複", Canceled),
        ]);
    }

    #[test]
    fn korean() {
        check(&[
            ("할 일", Backlog),
            ("해야 할 일", Backlog),
            ("신규", Backlog),
            ("열림", Backlog),
            ("진행 중", Active),
            ("진행중", Active),
            ("검토 중", Active),
            ("테스트 중", Active),
            ("검토 대기", Waiting),
            ("대기 중", Waiting),
            ("보류", Blocked),
            ("차단됨", Blocked),
            ("완료", Done),
            ("완료됨", Done),
            ("해결됨", Done),
            ("닫힘", Done),
            ("종료", Done),
            ("취소", Canceled),
            ("거부됨", Canceled),
            ("중복", Canceled),
            ("미완료", Backlog),
        ]);
    }
}
