//! Check digits and shapes of national identifiers. Pure functions over
//! ASCII digits (or letters): no scanning here, the numeric pass in
//! [`super`] decides which candidates reach them and with what context.
//!
//! Each validator follows the issuing authority's published algorithm;
//! the comments say which, and what else (dates, ranges, repetitions) is
//! checked so that a random number of the right length rarely passes.

/// Digit value of an ASCII digit (0 for anything else: callers check).
fn dv(c: u8) -> u32 {
    u32::from(c.wrapping_sub(b'0')).min(9)
}

fn all_digits(d: &[u8]) -> bool {
    !d.is_empty() && d.iter().all(u8::is_ascii_digit)
}

/// The number of `d` (at most 19 digits).
fn value(d: &[u8]) -> u64 {
    d.iter().fold(0u64, |acc, &c| {
        acc.wrapping_mul(10).wrapping_add(u64::from(dv(c)))
    })
}

/// A run of one digit (`11111111111`): a placeholder, never issued.
fn one_digit(d: &[u8]) -> bool {
    d.windows(2).all(|w| w.first() == w.get(1))
}

/// Σ d[i] × w[i].
fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w.iter()).fold(0u32, |acc, (&c, &k)| {
        acc.wrapping_add(dv(c).wrapping_mul(k))
    })
}

/// Spain, CIF (company tax code): a letter (the entity type), 7 digits and
/// a control character. Control: the even-position digits summed, plus the
/// odd-position ones doubled with their digits summed; `c = (10 - sum mod
/// 10) mod 10`, written as the digit `c` or the letter `JABCDEFGHI[c]`.
/// Types P, Q, R, S, N, W take the letter; A, B, E, H the digit; others
/// either.
pub(crate) fn es_cif_ok(s: &[u8]) -> bool {
    let [t, rest @ .., ctrl] = s else {
        return false;
    };
    if rest.len() != 7 || !all_digits(rest) || !b"ABCDEFGHJNPQRSUVW".contains(t) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &c) in rest.iter().enumerate() {
        let d = dv(c);
        sum = sum.wrapping_add(if i % 2 == 0 {
            let x = d.wrapping_mul(2);
            (x / 10).wrapping_add(x % 10)
        } else {
            d
        });
    }
    let c = 10u32.wrapping_sub(sum % 10) % 10;
    let letter = b"JABCDEFGHI".get(usize::try_from(c).unwrap_or(0)).copied();
    let digit = u8::try_from(c).ok().map(|c| c.wrapping_add(b'0'));
    match t {
        b'P' | b'Q' | b'R' | b'S' | b'N' | b'W' => Some(*ctrl) == letter,
        b'A' | b'B' | b'E' | b'H' => Some(*ctrl) == digit,
        _ => Some(*ctrl) == letter || Some(*ctrl) == digit,
    }
}

/// Spain, NSS (Social Security affiliation number): 2-digit province
/// (01–53), 8 digits, 2 control digits = (province and number as one
/// number) mod 97, where a number below 10,000,000 loses its leading zero.
pub(crate) fn es_nss_ok(d: &[u8]) -> bool {
    if d.len() != 12 || !all_digits(d) {
        return false;
    }
    let (prov, rest) = d.split_at(2);
    let (num, ctrl) = rest.split_at(8);
    let p = value(prov);
    let n = value(num);
    if !(1..=53).contains(&p) || n == 0 {
        return false;
    }
    let v = if n < 10_000_000 {
        n.wrapping_add(p.wrapping_mul(10_000_000))
    } else {
        n.wrapping_add(p.wrapping_mul(100_000_000))
    };
    v % 97 == value(ctrl)
}

/// France, NIR / INSEE number: sex (1, 2, or 7, 8 for temporary numbers),
/// year, month (01–12, or 20–42 and 50–99 when unknown), department
/// (digits or `2A`/`2B` for Corsica), commune, order, and a key = 97 − (the
/// 13-digit number mod 97). For Corsica `2A` counts as 19 and `2B` as 18.
/// `s` is the 15 significant characters.
pub(crate) fn fr_nir_ok(s: &[u8]) -> bool {
    if s.len() != 15 {
        return false;
    }
    let (body, key) = s.split_at(13);
    let dept = body.get(5..7).unwrap_or_default();
    let corsica = match dept {
        b"2A" => Some(1_000_000u64),
        b"2B" => Some(2_000_000u64),
        _ => None,
    };
    let mut digits = [0u8; 13];
    for (slot, &c) in digits.iter_mut().zip(body.iter()) {
        *slot = if c.is_ascii_digit() {
            c
        } else if corsica.is_some() && matches!(c, b'A' | b'B') {
            b'0'
        } else {
            return false;
        };
    }
    if !all_digits(key) {
        return false;
    }
    let sex = digits.first().copied().unwrap_or(0);
    let month = value(digits.get(3..5).unwrap_or_default());
    if !matches!(sex, b'1' | b'2' | b'7' | b'8')
        || !((1..=12).contains(&month) || (20..=42).contains(&month) || (50..=99).contains(&month))
    {
        return false;
    }
    let n = value(&digits).wrapping_sub(corsica.unwrap_or(0));
    let k = value(key);
    (1..=97).contains(&k) && 97u64.wrapping_sub(n % 97) == k
}

/// Germany, steuerliche Identifikationsnummer: 11 digits, the first not 0.
/// In the first ten, exactly one digit appears twice or three times (three
/// times not all adjacent) and the others at most once. The last is an ISO
/// 7064 MOD 11,10 check digit.
pub(crate) fn de_steuer_id_ok(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || d.first() == Some(&b'0') {
        return false;
    }
    let (body, check) = d.split_at(10);
    let mut counts = [0u8; 10];
    for &c in body {
        if let Some(n) = counts.get_mut(usize::try_from(dv(c)).unwrap_or(0)) {
            *n = n.saturating_add(1);
        }
    }
    let repeated: Vec<usize> = (0..10)
        .filter(|&i| counts.get(i).is_some_and(|&n| n >= 2))
        .collect();
    let [r] = repeated.as_slice() else {
        return false;
    };
    match counts.get(*r) {
        Some(2) => {}
        Some(3) => {
            let digit = u8::try_from(*r).unwrap_or(0).wrapping_add(b'0');
            if body.windows(3).any(|w| w.iter().all(|&c| c == digit)) {
                return false;
            }
        }
        _ => return false,
    }
    let mut product = 10u32;
    for &c in body {
        let mut sum = (dv(c).wrapping_add(product)) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = sum.wrapping_mul(2) % 11;
    }
    let mut expected = 11u32.wrapping_sub(product);
    if expected == 10 {
        expected = 0;
    }
    check.first().map(|&c| dv(c)) == Some(expected)
}

/// Values of the odd positions (1st, 3rd, ...) of a codice fiscale, for
/// `0-9` then `A-Z`.
const CF_ODD: [u8; 36] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
    23, // A-Z
];
/// Letters that replace digits 0–9 in an omocodic code.
const CF_OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters.
const CF_MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// Italy, codice fiscale: 6 letters (surname, name), 2 year digits, a month
/// letter, 2 day digits (41–71 for women), a letter and 3 digits (the
/// municipality) and a check letter. Any digit may be replaced by its
/// omocodia letter (`LMNPQRSTUV` for 0–9), issued when two people would get
/// the same code. The check letter: odd positions through a table, even
/// ones by value, sum mod 26.
pub(crate) fn it_cf_ok(s: &[u8]) -> bool {
    if s.len() != 16
        || !s
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    // Positions that hold digits (or their omocodia letters).
    const DIGIT_POS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
    let mut plain = [0u8; 16];
    for (i, (&c, slot)) in s.iter().zip(plain.iter_mut()).enumerate() {
        *slot = c;
        if DIGIT_POS.contains(&i) {
            if let Some(p) = CF_OMOCODIA.iter().position(|&l| l == c) {
                *slot = u8::try_from(p).unwrap_or(0).wrapping_add(b'0');
            } else if !c.is_ascii_digit() {
                return false;
            }
        } else if i != 15 && !c.is_ascii_uppercase() {
            return false;
        }
    }
    let day = value(plain.get(9..11).unwrap_or_default());
    if !plain.get(8).is_some_and(|m| CF_MONTHS.contains(m))
        || !((1..=31).contains(&day) || (41..=71).contains(&day))
        || !s.get(15).is_some_and(u8::is_ascii_uppercase)
    {
        return false;
    }
    let mut sum = 0u32;
    for (i, &c) in s.iter().take(15).enumerate() {
        let idx = if c.is_ascii_digit() {
            usize::from(c.wrapping_sub(b'0'))
        } else {
            usize::from(c.wrapping_sub(b'A')).wrapping_add(10)
        };
        sum = sum.wrapping_add(if i % 2 == 0 {
            u32::from(CF_ODD.get(idx).copied().unwrap_or(0))
        } else if c.is_ascii_digit() {
            dv(c)
        } else {
            u32::from(c.wrapping_sub(b'A'))
        });
    }
    s.get(15).copied() == u8::try_from(sum % 26).ok().map(|v| v.wrapping_add(b'A'))
}

/// Netherlands, BSN: 9 digits passing the "11-test": 9·d1 + 8·d2 + … +
/// 2·d8 − d9 ≡ 0 (mod 11), not all zero.
pub(crate) fn nl_bsn_ok(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || one_digit(d) {
        return false;
    }
    let s = weighted(d, &[9, 8, 7, 6, 5, 4, 3, 2]);
    let last = d.last().map_or(0, |&c| dv(c));
    s % 11 == last % 11 && s > 0
}

/// Poland, PESEL: YYMMDD (the month carries the century: +80 for the
/// 1800s, +20 for the 2000s, +40, +60), a serial and a check digit with
/// weights 1, 3, 7, 9 repeated: `(10 − sum mod 10) mod 10`.
pub(crate) fn pl_pesel_ok(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || one_digit(d) {
        return false;
    }
    let month = value(d.get(2..4).unwrap_or_default()) % 20;
    let day = value(d.get(4..6).unwrap_or_default());
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let s = weighted(d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
    d.get(10).map(|&c| dv(c)) == Some(10u32.wrapping_sub(s % 10) % 10)
}

/// Portugal, NIF: 9 digits, the first naming the holder type (1–3 people, 5
/// companies, 6 public bodies, 8 sole traders, 9 others), weights 9..2 and
/// a mod 11 check digit (0 when the remainder is 0 or 1).
pub(crate) fn pt_nif_ok(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || one_digit(d) {
        return false;
    }
    if !matches!(
        d.first(),
        Some(b'1' | b'2' | b'3' | b'5' | b'6' | b'8' | b'9')
    ) {
        return false;
    }
    let r = weighted(d, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if r < 2 { 0 } else { 11u32.wrapping_sub(r) };
    d.get(8).map(|&c| dv(c)) == Some(check)
}

/// UK, NHS number: 10 digits, weights 10..2 on the first nine, check digit
/// `11 − sum mod 11` (11 reads 0; 10 is never issued).
pub(crate) fn uk_nhs_ok(d: &[u8]) -> bool {
    if d.len() != 10 || !all_digits(d) || one_digit(d) {
        return false;
    }
    let r = 11u32.wrapping_sub(weighted(d, &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    let check = if r == 11 { 0 } else { r };
    check != 10 && d.get(9).map(|&c| dv(c)) == Some(check)
}

/// US, ITIN: `9XX-GG-SSSS` with the group in the ranges the IRS issues:
/// 50–65, 70–88, 90–92, 94–99.
pub(crate) fn us_itin_ok(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || d.first() != Some(&b'9') {
        return false;
    }
    let g = value(d.get(3..5).unwrap_or_default());
    matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// Brazil, CPF: 11 digits, two mod-11 check digits (weights 10..2, then
/// 11..2; a remainder of 10 reads 0). Runs of one digit pass the
/// arithmetic but are never issued.
pub(crate) fn br_cpf_ok(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || one_digit(d) {
        return false;
    }
    let check = |n: usize| {
        let w: Vec<u32> = (2..=u32::try_from(n).unwrap_or(0).saturating_add(1))
            .rev()
            .collect();
        let r = weighted(d, &w).wrapping_mul(10) % 11;
        if r == 10 {
            0
        } else {
            r
        }
    };
    d.get(9).map(|&c| dv(c)) == Some(check(9)) && d.get(10).map(|&c| dv(c)) == Some(check(10))
}

/// Brazil, CNPJ: 14 digits, two mod-11 check digits with weights 5..2,9..2
/// then 6..2,9..2 (remainder below 2 reads 0).
pub(crate) fn br_cnpj_ok(d: &[u8]) -> bool {
    if d.len() != 14 || !all_digits(d) || one_digit(d) {
        return false;
    }
    let digit = |w: &[u32]| {
        let r = weighted(d, w) % 11;
        if r < 2 {
            0
        } else {
            11u32.wrapping_sub(r)
        }
    };
    let d1 = digit(&[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    let d2 = digit(&[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    d.get(12).map(|&c| dv(c)) == Some(d1) && d.get(13).map(|&c| dv(c)) == Some(d2)
}

/// India, PAN: 5 letters, 4 digits, a letter; the fourth letter is the
/// holder type (P person, C company, H HUF, F firm, A AOP, T trust, B BOI,
/// L local authority, J juridical person, G government). No check digit is
/// published, so the rule also needs a context word.
pub(crate) fn in_pan_ok(s: &[u8]) -> bool {
    let [l @ .., last] = s else {
        return false;
    };
    s.len() == 10
        && l.get(..5)
            .is_some_and(|p| p.iter().all(u8::is_ascii_uppercase))
        && l.get(5..9).is_some_and(all_digits)
        && last.is_ascii_uppercase()
        && l.get(3).is_some_and(|t| b"PCHFATBLJG".contains(t))
        && l.get(5..9) != Some(b"0000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es_cif_and_nss() {
        // B + 1234567: odd digits doubled (2+6+1+5) + even ones (2+4+6) = 26,
        // control 4.
        assert!(es_cif_ok(b"B12345674"));
        for ok in [&b"A26859959"[..], b"E89078661", b"S6176031J", b"H72159015"] {
            assert!(es_cif_ok(ok));
        }
        assert!(!es_cif_ok(b"B12345675"));
        // Letter types need the letter (c = 4 -> D).
        assert!(es_cif_ok(b"P1234567D"));
        assert!(!es_cif_ok(b"P12345674"));
        assert!(!es_cif_ok(b"X12345674")); // not an entity type
        let v: u64 = 28 * 100_000_000 + 12_345_678;
        let ctrl = format!("{:02}", v % 97);
        assert!(es_nss_ok(format!("2812345678{ctrl}").as_bytes()));
        let bad = format!("{:02}", (v + 1) % 97);
        assert!(!es_nss_ok(format!("2812345678{bad}").as_bytes()));
        // A number below 10 million drops its leading zero.
        let v: u64 = 8 * 10_000_000 + 1_234_567;
        let ctrl = format!("{:02}", v % 97);
        assert!(es_nss_ok(format!("0801234567{ctrl}").as_bytes()));
        assert!(!es_nss_ok(b"991234567800")); // province 99
    }

    #[test]
    fn fr_nir_with_corsica() {
        for ok in [
            &b"176039210497277"[..],
            b"279012A07389612",
            b"179072B15365068",
        ] {
            assert!(fr_nir_ok(ok));
        }
        let key = |n: u64| format!("{:02}", 97 - n % 97);
        let n = 1_841_276_451_089u64;
        assert!(fr_nir_ok(format!("1841276451089{}", key(n)).as_bytes()));
        assert!(!fr_nir_ok(
            format!("1841276451089{}", key(n + 1)).as_bytes()
        ));
        // 2A counts as 19: the number with 20 minus 1,000,000.
        let n = 2_620_620_746_182u64 - 1_000_000;
        assert!(fr_nir_ok(format!("262062A746182{}", key(n)).as_bytes()));
        let n = 1_800_520_487_332u64 - 2_000_000;
        assert!(fr_nir_ok(format!("180052B487332{}", key(n)).as_bytes()));
        // Sex 3 and month 13 are not issued.
        let n = 3_841_276_451_089u64;
        assert!(!fr_nir_ok(format!("3841276451089{}", key(n)).as_bytes()));
    }

    #[test]
    fn de_steuer_id() {
        // Values made by the corpus generator (an independent
        // implementation of the same procedure).
        assert!(de_steuer_id_ok(b"59473010625"));
        assert!(de_steuer_id_ok(b"92023516846"));
        assert!(!de_steuer_id_ok(b"59473010626"));
        assert!(!de_steuer_id_ok(b"11111111111"));
        assert!(!de_steuer_id_ok(b"12345678901")); // no digit repeated
        assert!(!de_steuer_id_ok(b"09473010625")); // leading zero
                                                   // A digit three times in a row is not issued.
        assert!(!de_steuer_id_ok(b"59994301625"));
    }

    #[test]
    fn it_codice_fiscale_and_omocodia() {
        assert!(it_cf_ok(b"RNLRNL84D43L757I"));
        assert!(!it_cf_ok(b"RNLRNL84D43L757J"));
        // Omocodia: digits replaced by letters (one, then three of them).
        assert!(it_cf_ok(b"GRCFIZ50H45G01UB"));
        assert!(it_cf_ok(b"RVZSST78M59BMQTL"));
        assert!(!it_cf_ok(b"RNLRNL84Z43L757I")); // Z is not a month
        assert!(!it_cf_ok(b"RNLRNL84D93L757I")); // day 93
    }

    #[test]
    fn nl_pl_pt_uk_us() {
        assert!(nl_bsn_ok(b"204974653"));
        assert!(!nl_bsn_ok(b"204974654"));
        assert!(pl_pesel_ok(b"51081229176"));
        assert!(!pl_pesel_ok(b"51081229177"));
        assert!(!pl_pesel_ok(b"51151229176")); // month 15
        assert!(pt_nif_ok(b"134236670"));
        assert!(!pt_nif_ok(b"134236671"));
        assert!(!pt_nif_ok(b"434236670")); // type 4
        assert!(uk_nhs_ok(b"4276842689"));
        assert!(!uk_nhs_ok(b"4276842688"));
        assert!(us_itin_ok(b"912701234"));
        assert!(!us_itin_ok(b"912341234"));
        assert!(!us_itin_ok(b"812701234"));
    }

    #[test]
    fn br_and_in() {
        assert!(br_cpf_ok(b"46563212220"));
        assert!(!br_cpf_ok(b"46563212221"));
        assert!(!br_cpf_ok(b"11111111111"));
        assert!(br_cnpj_ok(b"33079244000160"));
        assert!(!br_cnpj_ok(b"33079244000161"));
        assert!(in_pan_ok(b"ABCPD1234E"));
        assert!(!in_pan_ok(b"ABCXD1234E")); // X is not a holder type
        assert!(!in_pan_ok(b"ABCPD12345"));
    }
}
