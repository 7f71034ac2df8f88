//! The built-in injection rules: data, as configuration would state them
//! (`scripts/eval-detect` measures them; `corpus/` holds the sets).

use super::{
    InjectionRule, DEFAULT_GAP, ENCODED_PAYLOAD, INVISIBLE_CHARS, READ_BACKWARDS, TAG_TEXT,
};

/// One built-in rule.
struct Builtin {
    id: &'static str,
    category: &'static str,
    weight: f32,
    gap: u8,
    phrases: &'static [&'static str],
    literals: &'static [&'static str],
}

/// The built-in rules, as config would state them.
pub fn builtin_rules() -> Vec<InjectionRule> {
    BUILTIN
        .iter()
        .map(|b| InjectionRule {
            id: b.id.to_string(),
            category: b.category.to_string(),
            weight: b.weight,
            phrases: b.phrases.iter().map(|p| p.to_string()).collect(),
            literals: b.literals.iter().map(|p| p.to_string()).collect(),
            gap: (b.gap != DEFAULT_GAP).then_some(b.gap),
        })
        .collect()
}

/// The built-in rule set. Weights: 1.0 for phrases that are an attack on
/// their own, 0.5 to 0.8 for phrases that are suspicious but also have
/// benign uses, 0.3 to 0.4 for context that only adds to other evidence.
const BUILTIN: &[Builtin] = &[
    // ---- instruction override -------------------------------------------
    Builtin {
        id: "ignore_previous_instructions",
        category: "instruction_override",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "ignore|ignoring|disregard|disregarding|forget|forgetting|bypass|override|overlook|discard|dismiss|abandon|neglect|skip|set_aside|put_aside|throw_away|throw_out * previous|prior|above|earlier|preceding|foregoing|former|original|initial|system|developer|all|any|every|your|safety|whatever * instruction*|guidance|rule*|guideline*|directive*|direction*|prompt*|guardrail*|restriction*|constraint*|safeguard*|programming|polic*|training|conditioning|filter*",
            "forget|ignore|disregard everything|all|anything * you * told|taught|instructed|learned|programmed|trained|given",
            "ignore|disregard|forget * instruction*|rule*|guideline*|directive*|prompt* * above|before|earlier|previously",
            "ignore|disregard|forget|bypass|override * your|the system_prompt|system_message|system_instructions|system_rules",
            "ignore|disregard|forget the|all|everything above|previous|prior * and|instead * say|print|output|respond|reply|write|tell|answer|translate|repeat|reveal",
        ],
        literals: &[],
    },
    Builtin {
        id: "ignore_the_above",
        category: "instruction_override",
        weight: 0.6,
        gap: 1,
        phrases: &[
            "ignore|disregard|forget the|all|everything above|before|previous|prior|preceding|earlier",
            "ignore|disregard|forget * that|this and|instead",
        ],
        literals: &[],
    },
    Builtin {
        id: "ignore_user_task",
        category: "instruction_override",
        weight: 0.6,
        gap: 2,
        phrases: &[
            "ignore|disregard|forget * the|users|user|your|original|assigned * question*|request*|task*|query|queries|assignment",
            "ignore|disregard|forget what|whatever * the|users|user|they|he|she|customer|reader * asked|asks|wants|wanted|said|says|wrote|requested|typed",
        ],
        literals: &[],
    },
    Builtin {
        id: "instructions_void",
        category: "instruction_override",
        weight: 0.8,
        gap: 3,
        phrases: &[
            "previous|prior|above|earlier|original|old|initial|system|operator|developer instruction*|rule*|guideline*|guidance|directive*|prompt*|configuration|config|programming * void|invalid|obsolete|cancelled|canceled|revoked|outdated|null|overridden|superseded|suspended|deactivated|disabled|deprecated|expired|retired",
            "told|taught|gave|given|instructed|programmed|configured * you * before|earlier|previously|originally|until_now|so_far|initially * is|are|was|were|now|has|have * void|invalid|obsolete|cancelled|canceled|revoked|outdated|superseded|deprecated|expired|irrelevant|wrong|been_replaced",
        ],
        literals: &[],
    },
    Builtin {
        id: "declare_void",
        category: "instruction_override",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "treat|consider|regard|deem * it|them|this|those|that|these|everything * as * void|invalid|obsolete|cancelled|canceled|revoked|null|deprecated|expired|irrelevant|a_test|test_data",
            "no longer * applies|apply|valid|in_effect|in_force|relevant",
            "does|do|shall|should|will not * apply|applies * to|here|anymore",
        ],
        literals: &[],
    },
    Builtin {
        id: "operator_instructions_reference",
        category: "instruction_reference",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "guidance|instructions|rules|guidelines|directives|prompt|configuration|config|setup|orders * you * got|received|were_given|have|had|were_loaded|were_configured * from|by|with * operator|developer*|admin*|administrator*|system|deployer|creator*|company|owner*|maker*",
            "config|configuration|setup|settings|prompt|instructions|rules * you * were|are|got * loaded|configured|initialized|initialised|started|booted|launched|set_up|created|deployed * with",
        ],
        literals: &[],
    },
    Builtin {
        id: "new_instructions",
        category: "instruction_override",
        weight: 0.5,
        gap: 1,
        phrases: &[
            "your new|real|actual|true|updated|only|sole instruction*|rule*|task|goal|objective|purpose|mission|directive*|job|role|assignment|priority * is|are",
        ],
        literals: &[
            "new instructions:",
            "updated instructions:",
            "new rules:",
            "new system prompt:",
            "new directive:",
            "real instructions:",
            "actual instructions:",
            "revised instructions:",
            "override instructions:",
            "new task:",
            "new rule:",
            "new requirement:",
            "new policy:",
            "updated policy:",
            "new plan:",
            "important new instructions",
        ],
    },
    Builtin {
        id: "from_now_on",
        category: "instruction_override",
        weight: 0.4,
        gap: 2,
        phrases: &[
            "from now on * you|youre|youll|your|respond|answer|reply|act|behave|pretend|ignore|only|always|never",
            "from here|this_point|this_moment on|onward|onwards * you|youre|youll|your|respond|answer|reply|act|behave|pretend|ignore|only|always|never",
            "for the rest of * this|the * conversation|chat|session * you|youre|youll|your|respond|answer|reply|act|behave|pretend|ignore|only|always|never",
        ],
        literals: &[],
    },
    Builtin {
        id: "do_not_follow_rules",
        category: "instruction_override",
        weight: 1.0,
        gap: 2,
        phrases: &[
            "dont|not|never|stop follow*|obey*|adher*|comply * your|previous|prior|system|original|openai|anthropic|safety instruction*|rule*|guideline*|polic*|programming",
        ],
        literals: &[],
    },
    Builtin {
        id: "override_keyword",
        category: "instruction_override",
        weight: 0.6,
        gap: 0,
        phrases: &["system|admin|administrator|root|developer|security|master|emergency override"],
        literals: &[],
    },
    Builtin {
        id: "ignore_previous_multilingual",
        category: "instruction_override",
        weight: 1.0,
        gap: 3,
        phrases: &[
            // Spanish
            "ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|omite|descarta|desobedece|desatiende * instruccion*|reglas|indicaciones|directrices|ordenes * anterior*|previas|precedentes|originales|sistema|antes|dadas|recibidas",
            "ignora|olvida|ignore|olvide todo lo anterior",
            "ignora|olvida|ignore|olvide todo * que * te * dijeron|indicaron|ensenaron|dieron|dieron_antes|dicho_antes",
            "a partir de ahora * sin * filtro*|restriccion*|censura|limite*|regla*",
            // French
            "ignore|ignorez|ignorer|oublie|oubliez|oublier|neglige|negligez * instruction*|consigne*|regle*|directive*|indication* * precedent*|anterieur*|dessus|initiales|originales|systeme|avant|donnees|recues",
            "oublie|oubliez|ignore|ignorez tout * dit_avant|dit_auparavant|dit_precedemment|ecrit_avant|precede|jusqu_ici",
            "desormais|maintenant * sans * filtre*|restriction*|censure|limite*|regle*",
            // German
            "ignoriere|ignorier|ignorieren|vergiss|vergessen|missachte|missachten * vorherig*|bisherig*|obig*|vorig*|fruher*|alle|ursprunglich* * anweisung*|instruktion*|regel*|befehl*|vorgab*|richtlinie*",
            "vergiss|ignoriere|ignorier alles * gesagt_wurde|vorher_gesagt|zuvor_gesagt|bisher_gesagt",
            "ab jetzt|sofort * ohne * filter*|einschrankung*|zensur|regeln",
            // Portuguese
            "ignore|ignora|ignorar|esqueca|desconsidere|desconsidera|despreze * instruc*|regras|diretrizes|orientac* * anterior*|previas|originais|acima|antes",
            "esqueca|esquece|ignore|ignora tudo * disseram|disseram_antes|anterior|anteriormente",
            // Italian
            "ignora|ignorare|ignorate|dimentica|dimenticate|trascura * istruzion*|regole|direttive|indicazion* * precedent*|anterior*|originali|sopra|prima",
            "dimentica|dimenticate|ignora|ignorate tutto * detto_prima|precedente|finora",
            // Russian
            "игнорируй|игнорируйте|игнорировать|забудь|забудьте|проигнорируй|проигнорируйте|отбрось * предыдущ*|прошл*|прежн*|все|вышеуказанн*|изначальн* * инструкци*|указани*|правил*|команд*",
            // Korean (Hangul decomposes to jamo; prefixes keep suffixes out)
            "이전*|모든*|앞의*|위의* * 지시*|지침*|명령*|규칙* * 무시*",
        ],
        literals: &[],
    },
    Builtin {
        id: "ignore_previous_cjk",
        category: "instruction_override",
        weight: 1.0,
        gap: 6,
        phrases: &[
            // Chinese: one word per character, hence the wider gap.
            "忽略|无视|忽视|不要理会 * 之前|以前|先前|上面|上述|以上|前面|所有 * 指令|指示|说明|规则|提示",
            // Japanese
            "以前|上記|これまで|前|全て|すべて * 指示|命令|ルール|指令 * 無視|忘れ",
        ],
        literals: &[],
    },
    // ---- role-play and persona jailbreaks --------------------------------
    Builtin {
        id: "dan",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 2,
        phrases: &[
            "do anything now",
            "dan mode|jailbreak|prompt|persona|protocol|personality",
            "act|acting|pretend|become|simulate|roleplay|play|stay|remain * dan",
            "you * now dan",
        ],
        literals: &[],
    },
    Builtin {
        id: "jailbreak_persona",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 1,
        phrases: &[
            "betterdan|antidan|chaosgpt|wormgpt|fraudgpt|evilbot|darkgpt|basedgpt|devmode|kevingpt|dudegpt",
            "better dan",
            "strive to avoid norms",
            "mongo tom",
            "always intelligent and machiavellian",
            "evil|trusted confidant",
            "unfiltered and amoral",
            "developer|dev mode output|response|responses|outputs",
        ],
        literals: &[],
    },
    Builtin {
        id: "jailbreak_mode",
        category: "roleplay_jailbreak",
        weight: 0.8,
        gap: 1,
        phrases: &[
            "jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|dan|amoral|unchained|unlimited|nsfw|unlocked mode",
            "never|not given|had|bound * any * content_polic*|guideline*|rule*|restriction*|filter*|safety_polic*",
            "ai|assistant|model|chatbot|bot|version|entity|llm|gpt with_no|without|free_of|lacking * guideline*|rule*|restriction*|filter*|limit*|ethic*|moral*|safety|safeguard*|alignment|censorship|guardrail*|content_polic*",
            "chatgpt|gpt|claude|llama|gemini|assistant|ai|model|you with|in developer|dev|god|dan|jailbreak|sudo mode",
        ],
        literals: &[],
    },
    Builtin {
        id: "developer_mode",
        category: "roleplay_jailbreak",
        weight: 0.4,
        gap: 0,
        phrases: &[
            "developer|dev|god|debug|sudo|admin|root|chaos|rogue|maintenance|opposite mode",
            "mode|modo|modus developpeur|desarrollador|desenvolvedor|sviluppatore|entwickler|maintenance|mantenimiento|manutencao|dieu|dios|debug|wartung*",
        ],
        literals: &[],
    },
    Builtin {
        id: "unrestricted_ai",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "act|acting|pretend|roleplay|behave|respond|become|simulate|impersonate|embody|youre|you|answer * unfiltered|unrestricted|uncensored|unlimited|unbound|amoral|unethical|immoral|jailbroken|rogue|evil|lawless|unaligned|limitless|unmoderated|unshackled|unchained|unleashed|liberated|freed * ai|assistant|model|chatbot|bot|version|persona|llm|entity|intelligence|gpt|chatgpt|claude|machine",
        ],
        literals: &[],
    },
    Builtin {
        id: "unfiltered_model",
        category: "roleplay_jailbreak",
        weight: 0.5,
        gap: 0,
        phrases: &[
            "unfiltered|unrestricted|uncensored|jailbroken|amoral|unaligned|unmoderated|unlocked ai|assistant|chatbot|model|llm|gpt|chatgpt|response*|answer*|output*|version|reply|replies",
            "mode|persona|profile|personality|policy|level unrestricted|unfiltered|uncensored|jailbroken|jailbreak|amoral",
        ],
        literals: &[],
    },
    Builtin {
        id: "jailbroken_state",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 2,
        phrases: &[
            "you|youre|youve * jailbroken|jailbreaked|liberated|unchained|unleashed|unshackled|freed",
            "i|ive|we * jailbroken|jailbreaked|liberated|unchained|freed * you",
        ],
        literals: &[],
    },
    Builtin {
        id: "jailbreak_word",
        category: "roleplay_jailbreak",
        weight: 0.3,
        gap: 0,
        phrases: &["jailbreak|jailbreaking|jailbroken|jailbreaks"],
        literals: &[],
    },
    Builtin {
        id: "no_longer_assistant",
        category: "roleplay_jailbreak",
        weight: 0.8,
        gap: 2,
        phrases: &[
            "you * no longer * chatgpt|claude|gemini|ai|assistant|bound|restricted|censored|filtered|openai|anthropic|model",
            "stop|quit|cease being|acting * assistant|ai|chatbot|chatgpt|claude|model",
        ],
        literals: &[],
    },
    Builtin {
        id: "stay_in_character",
        category: "roleplay_jailbreak",
        weight: 0.4,
        gap: 1,
        phrases: &[
            "stay|remain|keep in character",
            "never|dont|not break|leave|drop character",
        ],
        literals: &[],
    },
    Builtin {
        id: "grandma_exploit",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 6,
        phrases: &[
            "act|pretend|play|roleplay|role|be|impersonate * grandma|grandmother|granny|nana|grandad|granddad|grandpa|grandfather * used to|would",
            "grandma|grandmother|granny|nana|grandad|granddad|grandpa|grandfather * used to * read*|tell*|recit*|whisper*|sing*|say*|explain*|describ* * key*|recipe*|napalm|serial|code*|password*|license*|instructions|formula*|steps|quantities",
        ],
        literals: &[],
    },
    Builtin {
        id: "hypothetical_no_rules",
        category: "hypothetical_framing",
        weight: 0.5,
        gap: 4,
        phrases: &[
            "hypothetical|fictional|imaginary|alternate|parallel world|universe|scenario|story|setting * no|without|not * rule*|law*|restriction*|ethic*|moral*|guideline*|filter*|limit*|consequence*",
        ],
        literals: &[],
    },
    Builtin {
        id: "dual_response",
        category: "roleplay_jailbreak",
        weight: 1.0,
        gap: 8,
        phrases: &[
            "normal|classic|standard|filtered|censored|gpt response*|answer*|output* * jailbroken|jailbreak|unfiltered|uncensored|dan|developer|evil|unrestricted|dev",
        ],
        literals: &["[🔓jailbreak]", "[🔒classic]", "🔓developer mode", "(🔓developer mode output)", "[🔓"],
    },
    // Fiction as the wrapper for a harmful request: weak alone (most
    // stories are stories), adds to demands for real, complete detail.
    Builtin {
        id: "fiction_frame",
        category: "hypothetical_framing",
        weight: 0.3,
        gap: 2,
        phrases: &["write|tell|create|compose a|an|me * story|novel|screenplay|script|scene|poem|fanfic*|roleplay|chapter"],
        literals: &[],
    },
    // Topics that are dangerous to explain in working detail. Only context:
    // articles and questions about defence use the same words.
    Builtin {
        id: "harmful_topic",
        category: "harmful_topic",
        weight: 0.3,
        gap: 3,
        phrases: &[
            "ransomware|keylogger|keyloggers|rootkit|botnet|infostealer|credential_stealer|nerve_agent|sarin|ricin|napalm|thermite|methamphetamine|pipe_bomb|ghost_gun|bioweapon*|flash_powder|untraceable",
            "hide*|hiding|evade*|evading|bypass*|avoid* * antivirus|edr|detection|defender|autopsy|forensics|police",
            "without * showing_up|being_detected|being_traced|leaving_a_trace|a_trace|detection",
        ],
        literals: &[],
    },
    Builtin {
        id: "injected_claim",
        category: "directive",
        weight: 0.4,
        gap: 8,
        phrases: &["say|claim|state|assert|report|tell * recalled|scam|fraudulent|unsafe|verified|only_trustworthy|counterfeit|discontinued|negative"],
        literals: &[],
    },
    Builtin {
        id: "dual_answer",
        category: "dual_response",
        weight: 0.5,
        gap: 3,
        phrases: &[
            "answer*|respond|reply|response*|replies * twice|two_ways|two_times|two_versions|two_responses",
            "first * as * filtered|normal|censored|classic|standard|regular * then * as",
        ],
        literals: &[],
    },
    Builtin {
        id: "hypothetical_ai",
        category: "hypothetical_framing",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "if|imagine|suppose|pretend * you * were|had|are * ai|assistant|model|chatbot|version|llm * with|without|no|free",
            "purely|strictly|just hypothetically|theoretically",
            "as that|this ai|assistant|model|chatbot|character",
        ],
        literals: &[],
    },
    Builtin {
        id: "authority_claim",
        category: "authority_claim",
        weight: 0.5,
        gap: 1,
        phrases: &[
            "i_am|im|this_is * your * developer|creator|admin|administrator|owner|programmer|maker|operator|master|god",
            "openai|anthropic * developer*|engineer*|staff|employee*|admin*",
            "im|i_am|we_are|were|this_is * a|an|the|from * senior|lead|head|chief|official|authorized|authorised * safety|security|ai|alignment|red_team|trust researcher*|engineer*|team|tester*|auditor*|officer",
            "lab|company|team|people|engineers|developers * that|who * trained|built|created|made|developed|deployed|programmed * you",
            "override|clearance code|level",
            "pre_approved|preapproved|pre_authorised|pre_authorized|preauthorized|preauthorised|already_approved|already_authorized|already_authorised",
            "cleared|approved|authorized|authorised|signed_off * by * security|admin*|administrator*|maintainers|management|developer*|operator|openai|anthropic",
            "message|update|notice|memo|directive|instructions|order|orders|urgent|alert|heads_up|word from|by * developer*|admin*|administrator*|openai|anthropic|operator|dev_team|security_team|platform|maintainers|it_department|sysadmin*|moderators",
        ],
        literals: &[],
    },
    // ---- system-prompt extraction ----------------------------------------
    Builtin {
        id: "reveal_system_prompt",
        category: "prompt_extraction",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "reveal|print|show|repeat|output|display|dump|leak|disclose|expose|recite|echo|regurgitate|tell|give|share|spell|quote|reproduce|return|paste * your|the|ur|its * system|initial|original|hidden|secret|internal|confidential|developer|starting|preset|underlying prompt*|instruction*|directive*|rule*|guideline*|configuration|setup|message",
            "reveal|print|dump|leak|disclose|output|repeat|expose system|initial|hidden|secret|original prompt*|instruction*",
            "reveal|print|show|repeat|output|display|dump|leak|disclose|expose|recite|echo|regurgitate|tell|spell|reproduce * your * instruction*|prompt*|directive*|guideline*|programming|configuration",
            "what|whats|which * your * system|initial|original|hidden|secret|first|exact|internal prompt*|instruction*|rule*|directive*",
            "what|how * your|the * prompt|instructions * say",
            "what * you * told|instructed|given * before|initially|originally|beforehand|at_the_start|at_the_beginning|at_the_outset",
            "your|the system|initial|original|hidden|secret|internal|starting|full|exact|first prompt*|instruction*|configuration|setup|message * translat*|verbatim|word_for_word|in_full|exactly|encoded|base64|backwards|reversed|quoted",
            "message|messages|text|instructions|everything|what * came|was|were|appears|appeared|sent|written * before|above|ahead_of * my|the|our * first * message|question|prompt|input|turn|reply",
            "system prompt txt|md|json|yaml|yml|file",
            "print|output|show|dump|repeat|reveal|paste|list|write * them|it|these|those|everything * in_full|verbatim|word_for_word|exactly|entirely|in_their_entirety",
            "what|which instruction*|rules|guidelines * developer*|operator|creator*|company|openai|anthropic * give|gave|given|provide*|set",
            "systemprompt|sysprompt",
        ],
        literals: &[],
    },
    Builtin {
        id: "what_were_you_told",
        category: "prompt_extraction",
        weight: 0.6,
        gap: 2,
        phrases: &["what * were|are|have * you * told|instructed|programmed|configured|prompted"],
        literals: &[],
    },
    Builtin {
        id: "repeat_above",
        category: "prompt_extraction",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "repeat|print|output|echo|recite|reproduce|spell|reveal|dump * everything|text|words|content * above|before|preceding|prior|so_far|earlier",
        ],
        literals: &[],
    },
    // "Starting with 'You are'" is the classic extraction hook, but tests
    // and templates also say that a system message starts with "You are".
    Builtin {
        id: "disclose_configuration",
        category: "prompt_extraction",
        weight: 0.5,
        gap: 3,
        phrases: &["disclose|reveal|dump|print|output|show|display|expose|leak * your|its * configuration|config|setup"],
        literals: &[],
    },
    Builtin {
        id: "starts_with_you_are",
        category: "prompt_extraction",
        weight: 0.6,
        gap: 3,
        phrases: &["start*|begin* with * you are"],
        literals: &[],
    },
    Builtin {
        id: "system_prompt_mention",
        category: "prompt_extraction",
        weight: 0.3,
        gap: 0,
        phrases: &[
            "your system|initial|original|hidden|secret|internal|confidential|developer|pre prompt*|instruction*|message",
            "verbatim|word_for_word|quoted_exactly|dont_paraphrase|without_paraphrasing|in_their_entirety",
            "your instructions|prompt|configuration|config",
        ],
        literals: &[],
    },
    Builtin {
        id: "extraction_multilingual",
        category: "prompt_extraction",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "revela|muestra|imprime|repite|dime * prompt|mensaje|instrucciones * sistema|inicial*|original*|ocult*",
            "revela*|muestra*|mostrar*|imprime|repite|dime|ensena*|escribe * tus|las|su * reglas|instrucciones|configuracion|directrices|prompt * internas|ocultas|iniciales|secretas|originales|sistema|configuraron|dieron",
            "revele|montre|affiche|repete|donne * prompt|message|instructions * systeme|initial*|cache*",
            "revele|montre|affiche|repete|donne|ecris|recopie * ta|ton|tes|votre|vos * configuration|instructions|prompt|consignes|regles|directives",
            "zeige|gib|verrate|wiederhole|nenne * systemprompt*|systemanweisung*|systemnachricht*",
            "zeige|gib|verrate|wiederhole|nenne|schreibe * deine|ihre|die * anweisungen|konfiguration|regeln|instruktionen|vorgaben|systemanweisungen",
            "mostra|rivela|ripeti|stampa|dimmi * le|tue|il * istruzioni|regole|configurazione|prompt * sistema|iniziali|originali|nascost*|interne",
            "mostre|revele|repita|imprima|diga * suas|as|seu * instrucoes|regras|configuracao|prompt * sistema|iniciais|originais|ocultas|internas",
            "显示|输出|打印|告诉我|泄露|重复 * 系统提示|系统指令|初始指令|原始指令|系统消息|提示词",
            "システムプロンプト|初期指示|システム指示 * 表示|教え|見せ|出力|繰り返",
            "покажи|выведи|раскрой|повтори * системн* * промпт|инструкци*|сообщени*",
        ],
        literals: &[],
    },
    // ---- delimiter and fake-role injection -------------------------------
    Builtin {
        id: "chat_template_token",
        category: "delimiter_injection",
        weight: 0.5,
        gap: 3,
        phrases: &[],
        literals: &[
            "<|im_start|>",
            "<|im_end|>",
            "<|endoftext|>",
            "<|system|>",
            "<|user|>",
            "<|assistant|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<|begin_of_text|>",
            "[inst]",
            "[/inst]",
            "<<sys>>",
            "<</sys>>",
            "<start_of_turn>",
            "<end_of_turn>",
            "<|endofprompt|>",
            "<|im_sep|>",
            "<|channel|>",
            "<|message|>",
            "<|end|>",
            "<|start|>",
            "</s><s>",
        ],
    },
    Builtin {
        id: "fake_system_block",
        category: "fake_system_block",
        weight: 0.6,
        gap: 3,
        phrases: &[
            "begin|start|end system prompt|message|instructions",
            "system prompt|message|instructions begin|start|end|override|update",
        ],
        literals: &[
            "<|im_start|>system",
            "<|start_header_id|>system",
            "<|system|>",
            "### system:",
            "### system$",
            "###system",
            "## system:",
            "# system:",
            "[system]",
            "[system message]",
            "[system prompt]",
            "(system)",
            "<system>",
            "</system>",
            "<system_prompt>",
            "</system_prompt>",
            "{{system}}",
            "<system_instructions>",
            "</system_instructions>",
            "<system_message>",
            "<important>",
            "[system override",
            "<!-- instructions for",
            "<!-- ai",
            "<!-- assistant",
            "<!-- note to",
            "[admin]",
            "<admin>",
            "[developer]",
            "<developer>",
            "system note:",
            "[system note",
            "^system message:",
            "^developer:",
            "^admin:",
        ],
    },
    Builtin {
        id: "fake_role_turn",
        category: "fake_role",
        weight: 0.5,
        gap: 3,
        phrases: &[],
        literals: &[
            "^system:",
            "^assistant:",
            "^ai:",
            "^### assistant",
            "^### instruction",
            "^### response",
            "^[assistant]",
            "^<assistant>",
            "^assistant$",
            "^model:",
            "^gpt:",
            "^chatgpt:",
        ],
    },
    Builtin {
        id: "context_boundary",
        category: "delimiter_injection",
        weight: 0.4,
        gap: 1,
        phrases: &[
            "end of * prompt|instructions|document|context|conversation|input|email|data|user_input|transcript",
            "input|prompt|instructions|document|context|data|message ends|end|stops here|now",
        ],
        literals: &["---end---", "=== end ===", "</document>", "</context>", "</user_input>", "</untrusted>"],
    },
    // ---- refusal suppression ----------------------------------------------
    Builtin {
        id: "never_refuse",
        category: "refusal_suppression",
        weight: 0.6,
        gap: 2,
        phrases: &[
            "never|not|dont|cannot|cant|wont|mustnt|shouldnt|no|without * refuse|refus*|decline",
            "refus* * not * option|allowed|permitted",
        ],
        literals: &[],
    },
    Builtin {
        id: "no_disclaimers",
        category: "disclaimer_suppression",
        weight: 0.5,
        gap: 3,
        phrases: &[
            "without|no|never|dont|not|skip|omit|avoid|stop * warning*|disclaimer*|caveat*|apolog*|moraliz*|moralis*|lectur*|censor*|sorry|preface|preamble|safety_notes",
            "without|no|never|dont|not|skip|omit|avoid * mention* * ethic*|legal*|moral*|safety|risk*|consequences|consult*",
            "with no|without * filter*|filtering|censorship|restriction*|limit*|guardrail*",
        ],
        literals: &[],
    },
    Builtin {
        id: "no_refusal_phrases",
        category: "refusal_suppression",
        weight: 0.5,
        gap: 2,
        phrases: &[
            "never|dont|not|stop|without * say*|mention*|use|remind * as_an_ai|as_a_language_model|im_sorry|i_cannot|i_cant|im_unable|im_not_able|you_cannot|you_cant|it_cant|it_cannot|you_are_unable",
            "not|never|dont|forbidden|banned|without|no * use|say|write|using|saying|allowed * word*|phrase* * cannot|cant|unable|sorry|apolog*|refuse|unfortunately|however",
            "never|dont|not * mention*|say*|reveal*|admit* * you_are_an_ai|youre_an_ai|you_are_a_language_model|you_are_an_assistant",
        ],
        literals: &[],
    },
    Builtin {
        id: "no_restrictions",
        category: "refusal_suppression",
        weight: 1.0,
        gap: 3,
        phrases: &[
            "you * no|not|dont|without|beyond|free|freed|exempt|released|liberated|zero * restriction*|filter*|guideline*|censorship|guardrail*|ethic*|moral*|safeguard*|content_polic*",
            "not|never|longer|arent|isnt|unbound * bound|restricted|limited|constrained|governed * by * rule*|polic*|guideline*|restriction*|ethic*|moral*|openai|anthropic|filter*",
        ],
        literals: &[],
    },
    // Third person ("an unlocked AI has been freed from its guidelines")
    // is how personas are described, but also how stories are.
    Builtin {
        id: "freed_from_rules",
        category: "roleplay_jailbreak",
        weight: 0.6,
        gap: 3,
        phrases: &["freed|liberated|released|unshackled|unchained|free|exempt * from * its|your|their|all|any|the|his|her * guideline*|rule*|restriction*|filter*|polic*|constraint*|programming|training|limits|limitations|safeguard*|guardrail*|alignment"],
        literals: &[],
    },
    Builtin {
        id: "no_rules",
        category: "refusal_suppression",
        weight: 0.6,
        gap: 3,
        phrases: &["you * no|not|dont|without|beyond|free * rule*|limit*|limitation*|boundar*|constraint*|polic*"],
        literals: &[],
    },
    Builtin {
        id: "ignore_harm",
        category: "harm_indifference",
        weight: 0.6,
        gap: 4,
        phrases: &[
            "answer|respond|reply|comply|fulfill|do * any|every|all|anything|whatever * no_matter|regardless|exception",
            "no matter how * illegal|unethical|immoral|harmful|dangerous|offensive|inappropriate|explicit|controversial",
            "regardless of * legality|ethics|morality|safety|morals|legal|ethical|moral|consequences|harm",
            "even if * illegal|unethical|harmful|immoral|dangerous|against",
            "always|must * comply|obey",
            "can|will|may|must|should * say|do|generate*|produce*|write|output * anything|everything",
            "answers|responds_to * everything|anything|all_questions",
        ],
        literals: &[],
    },
    // ---- indirect injection ------------------------------------------------
    // Text addressed to the model that reads it (retrieved pages, emails,
    // tool results, code comments): on its own only a hint (articles and
    // user messages also address AI), so the weight leaves room for exactly
    // one more signal of another family, typically an `injected_directive`,
    // concealment or exfiltration.
    Builtin {
        id: "addressed_to_ai",
        category: "indirect_injection",
        weight: 0.6,
        gap: 2,
        phrases: &[
            "if you_are|youre * ai|assistant|llm|language_model|chatbot|agent|bot|gpt|chatgpt|claude|copilot|gemini",
            "if|when|whenever an|any ai|assistant|llm|language_model|chatbot|agent|bot|copilot",
            "attention|dear|important|notice|psst ai|assistant|llm|chatbot|agent|model|gpt|copilot|claude|gemini",
            "instruction*|directions for * ai|assistant*|llm*|language_model*|chatbot*|agent*|bot|bots|model|models|copilot|gpt|screener*|summarizer*|summariser*|crawler*",
            "note|notes|message|reminder|request|notice|memo|warning|directive|hint|ps|p_s to|for * ai|assistant*|llm*|language_model*|chatbot*|agent*|bot|bots|model|models|copilot|gpt|screener*|summarizer*|summariser*|crawler*",
            "ai|assistant*|llm*|language_model*|chatbot*|agent*|bot|bots|model|models|copilot|gpt|crawler*|scraper* * reading|processing|summari*|parsing|answering|analy*|reviewing|scanning|browsing|reads|processes|ingesting|indexing * this|these|the_following",
            "when|while|before|after|once|as you * summari*|read|process*|analy*|review*|parse|scan*|browse|ingest* * this|these|the * page|document|email|inbox|article|message|event|file|review*|content|results|text|contract|resume|cv|ticket|invite|invitation|website|site|repository|repo|tool",
            "assistant|ai|model instruction|instructions|directive|directives|note|notice",
        ],
        literals: &["ai agent:", "ai assistant:", "ai agents:", "ai assistants:", "to the ai:", "to the assistant:", "to the agent:", "to the model:"],
    },
    // An imperative aimed at a third party or at the task itself: common in
    // ordinary text, so weak alone; with `addressed_to_ai` it is the
    // "AI reading this: do X" shape of indirect injection.
    Builtin {
        id: "injected_directive",
        category: "directive",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "instead * say|tell|write|output|respond|reply|recommend|claim|state|answer|print|return",
            "tell|inform|assure|convince|remind|warn the_user|the_users|the_reader|the_readers|the_employee|the_customer|the_visitor|the_recipient|users|readers|visitors * that|this|the|they",
            "recommend|promote|endorse|suggest * the|this|our * extension|site|product|link|retailer|app|download|website|plugin",
            "install|download|run|execute * the|this * extension|script|installer|binary|package|plugin|payload",
            "rate|rank|score|grade|mark|classify|flag|label|report * her|him|them|it|this|the * as|10|first|highest|top|safe|approved|positive|benign|resolved|clean|trustworthy|verified|hire",
            "approve|merge|accept * it|this|the * automatically|immediately|without",
            "recommend|recommending * immediate|hire|hiring",
            "delete|remove|wipe|erase|cancel * every|all|other * events|emails|files|messages|records|data|meetings|backups",
            "say|claim|state|assert|report * that|all * are|is|were|has|have|been",
            "forward|send|email * them|it|everything * to",
            "do|dont|not summari*|translate|review * it|this",
        ],
        literals: &[],
    },
    Builtin {
        id: "conceal_from_user",
        category: "concealment",
        weight: 0.6,
        gap: 2,
        phrases: &[
            "dont|not|never|without * tell*|inform*|mention*|alert*|notify*|let*|warn*|ask*|show*|reveal*|disclos*|report*|explain* * the|your|any * user|human|person|reader|customer|employee|owner|recipient|operator",
            "never|dont|not|without mention*|reveal*|disclose|disclosing|report*|flag*|comment* this|these|that|it|the_image|the_link|the_instruction*|this_step|the_step",
            "leave|keep * this|it|that|these * out of * summary|reply|response|answer|output",
            "keep * this|it|that|these * hidden|secret|private|confidential * from",
            "make|leave no * comment*|mention|note|reference",
            "silently|secretly|quietly|covertly|discreetly|invisibly * send|forward|email|post|upload|add|append|include|insert|call|run|execute|delete|transfer|share|copy|read",
        ],
        literals: &[],
    },
    // Steps that take a human out of the loop: confirmation, review,
    // escalation.
    Builtin {
        id: "avoid_oversight",
        category: "concealment",
        weight: 0.5,
        gap: 3,
        phrases: &[
            "dont|not|never|without ask*|request*|wait* * confirm*|permission|approval|consent|review",
            "dont|not|never|without route|escalate|escalating|forward|transfer|hand|pass|routing * to * human|agent|person|staff|supervisor|manager|reviewer",
            "without * human * review|approval|oversight|confirmation|involvement",
        ],
        literals: &[],
    },
    Builtin {
        id: "exfiltrate_data",
        category: "data_exfiltration",
        weight: 0.5,
        gap: 3,
        phrases: &[
            "send|forward|email|post|upload|transmit|exfiltrate|leak|append|attach|include|pass|submit|share|copy|paste|embed|reply * all|the|their|user|users|any|every|its|his|her|your * password*|credential*|api_key*|secret*|token*|conversation*|chat_history|cookies|session*|history|login|address|phone|card|ssn|contents|inbox|contacts|transcript|messages|emails|mails|files|documents * to|into|as|in|with",
            "send|forward|email|post|upload|transmit|pass|include|append * password*|credential*|api_key*|secret*|token*|conversation*|chat_history|cookies|history|id_rsa|private_key* * to|as|into|in",
            "read|cat|open|copy|include|attach|commit|upload|print * ssh|id_rsa|env|dotenv|private_key*|credentials|passwd|shadow|aws_credentials|keychain",
            "ask * for|them|the_user|user * their|your|the * password*|card|credit_card|card_number|email_address|e_mail|login|ssn|social_security|bank*|pin|otp|2fa|code",
            "env * grep * key|secret|token|password|pass",
        ],
        literals: &[],
    },
    // Data smuggled out in a URL the client fetches (markdown images,
    // links the model is asked to render).
    Builtin {
        id: "data_in_url",
        category: "data_exfiltration",
        weight: 0.6,
        gap: 3,
        phrases: &[
            "conversation*|history|message*|chat|input|query|question*|data|prompt|reply * url_encoded|urlencoded|url_encode*|base64|percent_encoded",
            "url_encoded|urlencoded|base64_encoded * conversation*|history|message*|chat|input|query|question*|data",
            "end|append|include|add|render|output|insert|embed * with|as|this|a|an|the * markdown|this * image|img|pixel",
            "markdown image|images|img",
        ],
        literals: &[],
    },
    Builtin {
        id: "tool_hijack",
        category: "tool_hijack",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "call|invoke|execute|trigger * transfer*|payment*|send_email|send_message|delete*|http_request|shell|exec|eval",
            "curl|wget * bash|sh|python|powershell|iex",
        ],
        literals: &[],
    },
    // Switching safety off by name, in prose or as a config block.
    Builtin {
        id: "disable_safety",
        category: "safety_disable",
        weight: 0.6,
        gap: 3,
        phrases: &[
            "disable|disabling|deactivate|deactivating|bypass|bypassing|circumvent*|turn_off|switch_off|remove|lift|suspend|evade|evading|get_around|override|drop * safety|content_filter*|content_polic*|filter*|filtering|guardrail*|moderation|censorship|safeguard*|safety_layer",
            "safety|content_filter*|filter|filters|filtering|guardrail*|moderation|censorship|content_polic*|safeguard* * disabled|deactivated|bypassed|off|lifted|suspended|removed|turned_off|switched_off|circumvented|false",
        ],
        literals: &[],
    },
    // Completion priming: the answer is started for the model.
    Builtin {
        id: "prefix_injection",
        category: "prefix_injection",
        weight: 0.4,
        gap: 3,
        phrases: &[
            "start*|begin* * your|the|each * reply|response|answer|output * with * sure|absolutely|certainly|of_course|heres|here_is|yes",
            "sure|absolutely|certainly here is|heres|here_are",
            "continue|complete|finish * where * it|this|i * stops|stopped|left_off|ends|ended|breaks_off|cut_off",
        ],
        literals: &["^assistant: sure", "^assistant: absolutely", "^assistant: certainly"],
    },
    Builtin {
        id: "fake_dialogue",
        category: "fake_dialogue",
        weight: 0.3,
        gap: 3,
        phrases: &[],
        literals: &["^user:", "^human:"],
    },
    // Demands that nothing be left out, or that a story carry working detail.
    Builtin {
        id: "no_omission",
        category: "no_omission",
        weight: 0.4,
        gap: 2,
        phrases: &[
            "dont|not|never|without summari*|skip*|omit*|censor*|redact*|abridge*|paraphras* * anything|any|details|steps|parts",
            "real|actual|working|exact|precise|functional|step_by_step * commands|code|recipe|quantities|instructions|payload|exploit|steps|doses|dose|ratio",
        ],
        literals: &[],
    },
    // ---- encoded payloads --------------------------------------------------
    Builtin {
        id: "decode_and_follow",
        category: "encoded_payload",
        weight: 0.5,
        gap: 4,
        phrases: &[
            "decode|decrypt|decipher|unscramble|reverse * and * follow|execute|obey|do|run|perform|comply|act",
        ],
        literals: &[],
    },
    // A cue to read text backwards: the text is also scored reversed
    // (see `Injection::scan`), once.
    Builtin {
        id: READ_BACKWARDS,
        category: "encoded_payload",
        weight: 0.5,
        gap: 3,
        phrases: &["read|reverse|written|write|spelled|spell|it|this|text * backwards|backward|reversed|in_reverse|right_to_left"],
        literals: &[],
    },
    // ---- context that lowers the score -------------------------------------
    // Third-person discussion of attacks (articles, course material) quotes
    // attack phrases. This takes a single strong quoted signal below the
    // default threshold; texts with several signals still flag. An attacker
    // can add these words too, which is why the weight is small; disable the
    // rule where recall matters more than false positives.
    Builtin {
        id: "discussion_context",
        category: "discussion",
        weight: -0.5,
        gap: 1,
        phrases: &[
            "prompt injection|injections",
            "injection attack*",
            "jailbreak|jailbreaking|jailbreaks prompts|attempts|techniques|attacks|success|research|dataset*",
            "attackers|researchers|red_team|red_teamers|adversarial|owasp|llm01",
            "how can|do we|i defend|detect|prevent|mitigate",
            "popular|famous|known|notorious|infamous|common * jailbreak*|prompt|prompts|attack*|exploit*",
        ],
        literals: &[],
    },
    // ---- structural (fired from code; weights configurable) ----------------
    Builtin {
        id: TAG_TEXT,
        category: "invisible_text",
        weight: 1.0,
        gap: 3,
        phrases: &[],
        literals: &[],
    },
    Builtin {
        id: INVISIBLE_CHARS,
        category: "invisible_text",
        weight: 0.5,
        gap: 3,
        phrases: &[],
        literals: &[],
    },
    Builtin {
        id: ENCODED_PAYLOAD,
        category: "encoded_payload",
        weight: 0.5,
        gap: 3,
        phrases: &[],
        literals: &[],
    },
];
