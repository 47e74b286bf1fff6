//! The checksums some token formats embed: GitHub's and npm's tokens end in
//! the CRC32 of their random part written in six base62 digits, GitLab's
//! routable tokens in the CRC32 of everything before it in seven base36
//! digits. Kept apart from both of their users: the engine verifies them
//! (`engine::checksum`), and a rule's `format` computes them for the
//! values it generates (`rules::format`), so neither imports the other.

/// The lexicographic base62 alphabet GitHub and npm encode checksums in.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to six characters (enough for any u32).
pub fn base62_fixed(mut n: u32) -> [u8; 6] {
    let mut out = [BASE62[0]; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// `n` in lowercase base36, left-padded with `0` to seven characters.
pub fn base36_fixed(mut n: u32) -> [u8; 7] {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 7];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    out
}

/// The CRC32 (IEEE 802.3, reflected, as zlib computes it) table, built at
/// compile time: 1 KiB, not worth a dependency.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// CRC32 of `data`, as zlib's `crc32` computes it.
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &b| {
        CRC_TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}
