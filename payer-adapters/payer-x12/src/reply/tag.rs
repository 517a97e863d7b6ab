//! [`Tag`]: the segment ids the decoders act on, recognized in any ASCII case without allocating.

/// The segment ids the decoders act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Isa,
    Iea,
    Gs,
    Ge,
    St,
    Se,
    Ta1,
    Bht,
    Hl,
    Trn,
    Nm1,
    Per,
    Aaa,
    Ref,
    N3,
    N4,
    Prv,
    Dmg,
    Ins,
    Hi,
    Dtp,
    Mpi,
    Eb,
    Hsd,
    Msg,
    Iii,
    Ls,
    Le,
    Ak1,
    Ak2,
    Ik3,
    Ik4,
    Ctx,
    Ik5,
    Ak9,
    Other,
}

impl Tag {
    /// The tag of a segment id, ignoring ASCII case.
    pub(crate) fn of(id: &str) -> Tag {
        let mut key = [0u8; 3];
        match id.as_bytes() {
            [a, b] => key[..2].copy_from_slice(&[*a, *b]),
            [a, b, c] => key.copy_from_slice(&[*a, *b, *c]),
            _ => return Tag::Other,
        }
        key.make_ascii_uppercase();
        match &key {
            b"ISA" => Tag::Isa,
            b"IEA" => Tag::Iea,
            b"GS\0" => Tag::Gs,
            b"GE\0" => Tag::Ge,
            b"ST\0" => Tag::St,
            b"SE\0" => Tag::Se,
            b"TA1" => Tag::Ta1,
            b"BHT" => Tag::Bht,
            b"HL\0" => Tag::Hl,
            b"TRN" => Tag::Trn,
            b"NM1" => Tag::Nm1,
            b"PER" => Tag::Per,
            b"AAA" => Tag::Aaa,
            b"REF" => Tag::Ref,
            b"N3\0" => Tag::N3,
            b"N4\0" => Tag::N4,
            b"PRV" => Tag::Prv,
            b"DMG" => Tag::Dmg,
            b"INS" => Tag::Ins,
            b"HI\0" => Tag::Hi,
            b"DTP" => Tag::Dtp,
            b"MPI" => Tag::Mpi,
            b"EB\0" => Tag::Eb,
            b"HSD" => Tag::Hsd,
            b"MSG" => Tag::Msg,
            b"III" => Tag::Iii,
            b"LS\0" => Tag::Ls,
            b"LE\0" => Tag::Le,
            b"AK1" => Tag::Ak1,
            b"AK2" => Tag::Ak2,
            b"IK3" => Tag::Ik3,
            b"IK4" => Tag::Ik4,
            b"CTX" => Tag::Ctx,
            b"IK5" => Tag::Ik5,
            b"AK9" => Tag::Ak9,
            _ => Tag::Other,
        }
    }

    pub(crate) fn ends_set(self) -> bool {
        matches!(self, Tag::St | Tag::Ge | Tag::Gs | Tag::Iea | Tag::Isa)
    }
}
