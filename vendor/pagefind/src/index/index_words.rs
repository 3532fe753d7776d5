use minicbor::Encode;

/// The word index chunks in `pagefind/index/`

/// A single word index chunk: `pagefind/index/*.pf_index`
#[derive(Encode)]
pub struct WordIndex {
    #[n(0)]
    pub words: Vec<PackedWord>,
}

/// A single word as an inverse index of all locations on the site
#[derive(Encode, Clone, Debug)]
pub struct PackedWord {
    #[n(0)]
    pub word: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
    #[n(2)]
    pub additional_variants: Vec<PackedVariant>,
}

/// A variant of a word with different diacritics (e.g., "café" vs "cafe")
#[derive(Encode, Clone, Debug)]
pub struct PackedVariant {
    #[n(0)]
    pub form: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
}

/// A set of locations on a given page.
///
/// manuale: kept in 24 bytes instead of 56 (the page number as `u32`, the
/// locations and the meta locations in one boxed slice, cut at
/// `meta_start`): a site's index holds one per word per page, millions on
/// a national map, while it is built. Encoded exactly as upstream's
/// `{ page_number: usize, locs: Vec<i32>, meta_locs: Vec<i32> }`.
#[derive(Clone, Debug)]
pub struct PackedPage {
    page_number: u32,
    meta_start: u32,
    data: Box<[i32]>,
}

impl PackedPage {
    pub fn new(page_number: usize, locs: Vec<i32>, meta_locs: Vec<i32>) -> Self {
        let meta_start = locs.len() as u32;
        let mut data = locs;
        data.extend_from_slice(&meta_locs);
        PackedPage {
            page_number: page_number as u32,
            meta_start,
            data: data.into_boxed_slice(),
        }
    }

    pub fn page_number(&self) -> usize {
        self.page_number as usize
    }

    pub fn set_page_number(&mut self, page_number: usize) {
        self.page_number = page_number as u32;
    }

    pub fn locs(&self) -> &[i32] {
        &self.data[..self.meta_start as usize]
    }

    pub fn meta_locs(&self) -> &[i32] {
        &self.data[self.meta_start as usize..]
    }

    pub fn set_meta_locs(&mut self, meta_locs: Vec<i32>) {
        if meta_locs.as_slice() != self.meta_locs() {
            *self = PackedPage::new(self.page_number(), self.locs().to_vec(), meta_locs);
        }
    }
}

/// How upstream's derived `Encode` wrote a [`PackedPage`].
#[derive(Encode)]
struct PackedPageFields<'a> {
    #[n(0)]
    page_number: usize,
    #[n(1)]
    locs: &'a [i32],
    #[n(2)]
    meta_locs: &'a [i32],
}

impl<C> Encode<C> for PackedPage {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        ctx: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        PackedPageFields {
            page_number: self.page_number(),
            locs: self.locs(),
            meta_locs: self.meta_locs(),
        }
        .encode(e, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream's `PackedPage`, to compare the bytes with.
    #[derive(Encode)]
    struct Upstream {
        #[n(0)]
        page_number: usize,
        #[n(1)]
        locs: Vec<i32>,
        #[n(2)]
        meta_locs: Vec<i32>,
    }

    #[test]
    fn a_packed_page_is_encoded_as_upstream() {
        let cases: Vec<(usize, Vec<i32>, Vec<i32>)> = vec![
            (0, vec![], vec![]),
            (1, vec![3], vec![]),
            (23, vec![], vec![-1, 0, 5]),
            (24, vec![-8, 0, 1, 70_000], vec![-3, 2]),
            (70_000, (0..300).collect(), vec![-1, 1_000_000]),
            (4_000_000_000, vec![-2_000_000_000], vec![2_000_000_000]),
        ];
        for (page_number, locs, meta_locs) in cases {
            let page = PackedPage::new(page_number, locs.clone(), meta_locs.clone());
            assert_eq!(page.page_number(), page_number);
            assert_eq!(page.locs(), &locs[..]);
            assert_eq!(page.meta_locs(), &meta_locs[..]);
            let ours = minicbor::to_vec(&page).unwrap();
            let theirs = minicbor::to_vec(&Upstream {
                page_number,
                locs,
                meta_locs,
            })
            .unwrap();
            assert_eq!(ours, theirs);
        }
        let mut page = PackedPage::new(7, vec![1, 2], vec![]);
        page.set_meta_locs(vec![-1, 4]);
        assert_eq!((page.locs(), page.meta_locs()), (&[1, 2][..], &[-1, 4][..]));
        assert_eq!(std::mem::size_of::<PackedPage>(), 24);
    }
}
