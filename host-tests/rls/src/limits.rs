//! Limitador's limits file, as this test double reads it: a YAML (or JSON)
//! list of limits with `namespace`, `max_value`, `seconds`, `conditions`,
//! `variables` and an optional `name` — the format `limitador-server`'s
//! `LIMITS_FILE` takes, which `scripts/rls-limits` renders.
//!
//! Conditions and variables are CEL in Limitador; this double evaluates the
//! subset Tollgate's limits use, and refuses anything else when the file is
//! read (so a limits file it accepts means the same here as in Limitador):
//!
//! - operands: `descriptors[N]['key']`, `descriptors[N].key`,
//!   `size(descriptors)`, string literals (`'…'`, `"…"`), integers;
//! - `==`, `!=`, `<`, `<=`, `>`, `>=` between two operands of one type;
//! - `&&`, `||`, `!`, parentheses.
//!
//! Like Limitador: a missing key makes the comparison false (and a limit
//! with that variable not apply); an index past the request's descriptors
//! is an evaluation error (Limitador panics on it; the service answers
//! `INTERNAL`), so such a limit guards it with `size(descriptors) > N &&`.

use std::collections::HashMap;

use serde::Deserialize;

/// One limit of the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// The RLS domain it counts in.
    pub namespace: String,
    /// Hits allowed per window.
    pub max_value: u64,
    /// The window, in seconds (a counter expires this long after its first
    /// hit: Limitador's fixed window).
    pub seconds: u64,
    /// Every condition must hold for the limit to apply.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// One counter per distinct tuple of these values.
    #[serde(default)]
    pub variables: Vec<String>,
    /// Its name (reported in statuses).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(skip)]
    compiled: Compiled,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Compiled {
    conditions: Vec<Expr>,
    variables: Vec<Operand>,
}

impl Limit {
    /// Its name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Its conditions as written.
    pub fn conditions(&self) -> &[String] {
        &self.conditions
    }

    /// Its variables as written.
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    fn compile(&mut self) -> Result<(), String> {
        let conditions = self
            .conditions
            .iter()
            .map(|c| parse_expr(c).map_err(|e| format!("condition {c:?}: {e}")))
            .collect::<Result<_, _>>()?;
        let variables = self
            .variables
            .iter()
            .map(|v| match parse_expr(v) {
                Ok(Expr::Value(op @ Operand::Field(..))) => Ok(op),
                Ok(_) => Err(format!("variable {v:?}: must be descriptors[N][key]")),
                Err(e) => Err(format!("variable {v:?}: {e}")),
            })
            .collect::<Result<_, _>>()?;
        if self.seconds == 0 {
            return Err("seconds must be at least 1".into());
        }
        self.compiled = Compiled {
            conditions,
            variables,
        };
        Ok(())
    }

    /// Whether the limit applies to a request with these descriptors, and
    /// its variables' values when it does; `Err` when evaluating fails (an
    /// index past the descriptors, a comparison of mismatched types).
    pub fn applies(
        &self,
        descriptors: &[HashMap<String, String>],
    ) -> Result<Option<Vec<String>>, String> {
        for c in &self.compiled.conditions {
            if !eval(c, descriptors)?.truthy()? {
                return Ok(None);
            }
        }
        let mut values = Vec::with_capacity(self.compiled.variables.len());
        for v in &self.compiled.variables {
            match operand(v, descriptors)? {
                Value::Str(s) => values.push(s),
                Value::Missing => return Ok(None),
                other => return Err(format!("variable of type {}", other.kind())),
            }
        }
        Ok(Some(values))
    }
}

/// Parses the text of a limits file (YAML, or JSON, which YAML reads too).
pub fn parse_limits(text: &str) -> Result<Vec<Limit>, String> {
    let mut limits: Vec<Limit> = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    for (i, l) in limits.iter_mut().enumerate() {
        l.compile().map_err(|e| format!("limit {i}: {e}"))?;
    }
    Ok(limits)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Operand {
    /// `descriptors[index][key]`.
    Field(usize, String),
    /// `size(descriptors)`.
    Size,
    Str(String),
    Int(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Value(Operand),
    Cmp(Operand, CmpOp, Operand),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    /// A key the descriptor does not have.
    Missing,
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "int",
            Value::Bool(_) => "bool",
            Value::Missing => "missing",
        }
    }

    fn truthy(&self) -> Result<bool, String> {
        match self {
            Value::Bool(b) => Ok(*b),
            Value::Missing => Ok(false),
            other => Err(format!("a condition of type {}", other.kind())),
        }
    }
}

fn operand(op: &Operand, descriptors: &[HashMap<String, String>]) -> Result<Value, String> {
    Ok(match op {
        Operand::Field(i, key) => {
            let d = descriptors
                .get(*i)
                .ok_or_else(|| format!("descriptors[{i}]: index out of bounds"))?;
            d.get(key).map_or(Value::Missing, |v| Value::Str(v.clone()))
        }
        Operand::Size => Value::Int(i64::try_from(descriptors.len()).unwrap_or(i64::MAX)),
        Operand::Str(s) => Value::Str(s.clone()),
        Operand::Int(n) => Value::Int(*n),
    })
}

fn eval(e: &Expr, descriptors: &[HashMap<String, String>]) -> Result<Value, String> {
    Ok(match e {
        Expr::Value(op) => operand(op, descriptors)?,
        Expr::Not(inner) => Value::Bool(!eval(inner, descriptors)?.truthy()?),
        // Short-circuit, as CEL does for the guards (`size(...) > 1 && …`).
        Expr::And(a, b) => {
            Value::Bool(eval(a, descriptors)?.truthy()? && eval(b, descriptors)?.truthy()?)
        }
        Expr::Or(a, b) => {
            Value::Bool(eval(a, descriptors)?.truthy()? || eval(b, descriptors)?.truthy()?)
        }
        Expr::Cmp(a, op, b) => {
            let (a, b) = (operand(a, descriptors)?, operand(b, descriptors)?);
            if a == Value::Missing || b == Value::Missing {
                return Ok(Value::Bool(false));
            }
            let ord = match (&a, &b) {
                (Value::Str(x), Value::Str(y)) => x.cmp(y),
                (Value::Int(x), Value::Int(y)) => x.cmp(y),
                _ => return Err(format!("comparing {} with {}", a.kind(), b.kind())),
            };
            Value::Bool(match op {
                CmpOp::Eq => ord.is_eq(),
                CmpOp::Ne => ord.is_ne(),
                CmpOp::Lt => ord.is_lt(),
                CmpOp::Le => ord.is_le(),
                CmpOp::Gt => ord.is_gt(),
                CmpOp::Ge => ord.is_ge(),
            })
        }
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Sym(&'static str),
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' || c == b'"' {
            let end = src[i + 1..]
                .find(c as char)
                .ok_or("an unterminated string")?;
            let s = &src[i + 1..i + 1 + end];
            if s.contains('\\') {
                return Err("escapes in strings are not supported".into());
            }
            out.push(Tok::Str(s.to_owned()));
            i += end + 2;
        } else if c.is_ascii_digit() {
            let end = b[i..]
                .iter()
                .position(|x| !x.is_ascii_digit())
                .unwrap_or(b.len() - i);
            out.push(Tok::Int(
                src[i..i + end]
                    .parse()
                    .map_err(|_| "an integer too large")?,
            ));
            i += end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = b[i..]
                .iter()
                .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                .unwrap_or(b.len() - i);
            out.push(Tok::Ident(src[i..i + end].to_owned()));
            i += end;
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            let sym = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|s| *s == two);
            if let Some(s) = sym {
                out.push(Tok::Sym(s));
                i += 2;
                continue;
            }
            let one = ["(", ")", "[", "]", ".", "<", ">", "!"]
                .into_iter()
                .find(|s| s.as_bytes()[0] == c)
                .ok_or_else(|| format!("unsupported character {:?}", c as char))?;
            out.push(Tok::Sym(one));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

fn parse_expr(src: &str) -> Result<Expr, String> {
    let mut p = Parser {
        toks: lex(src)?,
        at: 0,
    };
    let e = p.or()?;
    if p.at != p.toks.len() {
        return Err(format!("unexpected {:?}", p.toks[p.at]));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn eat(&mut self, sym: &str) -> bool {
        if self.peek()
            == Some(&Tok::Sym(match sym {
                "(" => "(",
                ")" => ")",
                "[" => "[",
                "]" => "]",
                "." => ".",
                "!" => "!",
                "&&" => "&&",
                "||" => "||",
                _ => return false,
            }))
        {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, sym: &str) -> Result<(), String> {
        if self.eat(sym) {
            Ok(())
        } else {
            Err(format!("expected {sym}"))
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.eat("||") {
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while self.eat("&&") {
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let e = self.or()?;
            self.expect(")")?;
            return Ok(e);
        }
        let a = self.operand()?;
        let op = match self.peek() {
            Some(Tok::Sym("==")) => CmpOp::Eq,
            Some(Tok::Sym("!=")) => CmpOp::Ne,
            Some(Tok::Sym("<")) => CmpOp::Lt,
            Some(Tok::Sym("<=")) => CmpOp::Le,
            Some(Tok::Sym(">")) => CmpOp::Gt,
            Some(Tok::Sym(">=")) => CmpOp::Ge,
            _ => return Ok(Expr::Value(a)),
        };
        self.at += 1;
        let b = self.operand()?;
        Ok(Expr::Cmp(a, op, b))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.toks.get(self.at).cloned() {
            Some(Tok::Str(s)) => {
                self.at += 1;
                Ok(Operand::Str(s))
            }
            Some(Tok::Int(n)) => {
                self.at += 1;
                Ok(Operand::Int(n))
            }
            Some(Tok::Ident(id)) if id == "size" => {
                self.at += 1;
                self.expect("(")?;
                match self.toks.get(self.at) {
                    Some(Tok::Ident(d)) if d == "descriptors" => self.at += 1,
                    _ => return Err("size() takes descriptors".into()),
                }
                self.expect(")")?;
                Ok(Operand::Size)
            }
            Some(Tok::Ident(id)) if id == "descriptors" => {
                self.at += 1;
                self.expect("[")?;
                let index = match self.toks.get(self.at) {
                    Some(Tok::Int(n)) => usize::try_from(*n).map_err(|_| "a negative index")?,
                    _ => return Err("descriptors takes an integer index".into()),
                };
                self.at += 1;
                self.expect("]")?;
                let key = if self.eat("[") {
                    let key = match self.toks.get(self.at) {
                        Some(Tok::Str(s)) => s.clone(),
                        _ => return Err("a descriptor key is a string".into()),
                    };
                    self.at += 1;
                    self.expect("]")?;
                    key
                } else if self.eat(".") {
                    match self.toks.get(self.at) {
                        Some(Tok::Ident(s)) => {
                            let s = s.clone();
                            self.at += 1;
                            s
                        }
                        _ => return Err("a descriptor key after .".into()),
                    }
                } else {
                    return Err("descriptors[N] must be followed by a key".into());
                };
                Ok(Operand::Field(index, key))
            }
            other => Err(format!("unsupported operand {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_subset_evaluates_as_cel() {
        let l = &parse_limits(
            r#"- namespace: n
  max_value: 1
  seconds: 60
  conditions: ["descriptors[0]['rule'] == 'a' && descriptors[0].metric != 'tokens'",
               "size(descriptors) > 1 || descriptors[0]['x'] == 'y'"]
  variables: ["descriptors[0]['consumer']"]"#,
        )
        .unwrap()[0];
        let one = [d(&[
            ("rule", "a"),
            ("metric", "requests"),
            ("x", "y"),
            ("consumer", "c"),
        ])];
        assert_eq!(l.applies(&one).unwrap(), Some(vec!["c".into()]));
        let no_var = [d(&[("rule", "a"), ("metric", "requests"), ("x", "y")])];
        assert_eq!(l.applies(&no_var).unwrap(), None, "a missing variable");
        let wrong = [d(&[("rule", "b"), ("x", "y"), ("consumer", "c")])];
        assert_eq!(l.applies(&wrong).unwrap(), None);
        let unguarded = &parse_limits(
            "- {namespace: n, max_value: 1, seconds: 1, conditions: [\"descriptors[1].m == 'x'\"]}",
        )
        .unwrap()[0];
        assert!(unguarded.applies(&one).is_err());
        for bad in [
            "descriptors[0]['a'] ==",
            "matches(x)",
            "descriptors[0]['a'] == 1 +",
            "(",
            "descriptors[0]",
        ] {
            let text =
                format!("- {{namespace: n, max_value: 1, seconds: 1, conditions: [\"{bad}\"]}}");
            assert!(parse_limits(&text).is_err(), "{bad}");
        }
        let typed = &parse_limits(
            "- {namespace: n, max_value: 1, seconds: 1, conditions: [\"descriptors[0].a == 1\"]}",
        )
        .unwrap()[0];
        assert!(typed.applies(&[d(&[("a", "1")])]).is_err(), "string vs int");
    }
}
