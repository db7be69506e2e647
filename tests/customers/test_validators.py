import pytest
from django.core.exceptions import ValidationError

from guanxi.core.validators import (
    clean_email,
    clean_mobile,
    clean_phone,
    clean_uscc,
    clean_website,
    uscc_check_char,
)

# Real codes published on Chinese business registries.
VALID_USCC = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


class TestUnifiedSocialCreditCode:
    @pytest.mark.parametrize("code", VALID_USCC)
    def test_it_accepts_valid_codes(self, code: str) -> None:
        assert clean_uscc(code.lower()) == code

    def test_it_computes_the_check_character(self) -> None:
        assert uscc_check_char("91350100M000100Y4") == "3"

    def test_it_rejects_a_wrong_check_digit(self) -> None:
        with pytest.raises(ValidationError) as error:
            clean_uscc("91350100M000100Y44")
        assert error.value.messages == [
            "The check digit of this unified social credit code is wrong."
        ]

    def test_it_rejects_the_wrong_length(self) -> None:
        with pytest.raises(ValidationError) as error:
            clean_uscc("9135010")
        assert error.value.messages == [
            "A unified social credit code has 18 characters; this one has 7."
        ]

    def test_it_rejects_letters_outside_the_alphabet(self) -> None:
        with pytest.raises(ValidationError) as error:
            clean_uscc("91350100M000100I43")
        assert error.value.messages == [
            "A unified social credit code uses digits and capital letters except I, O, S, V, Z."
        ]

    def test_blank_is_allowed(self) -> None:
        assert clean_uscc("  ") == ""


class TestPhones:
    @pytest.mark.parametrize(
        ("raw", "clean"),
        [
            ("138 1234 5678", "13812345678"),
            ("+86 138-1234-5678", "13812345678"),
            ("010-88886666", "010-88886666"),
            ("01088886666", "010-88886666"),
            ("0571-8888888-123", "0571-8888888-123"),
            ("400-820-8820", "4008208820"),
        ],
    )
    def test_it_normalises(self, raw: str, clean: str) -> None:
        assert clean_phone(raw) == clean

    @pytest.mark.parametrize("raw", ["12345", "12812345678", "abc"])
    def test_it_rejects(self, raw: str) -> None:
        with pytest.raises(ValidationError) as error:
            clean_phone(raw)
        assert error.value.messages == [
            "Enter a mobile number or a landline with its area code, such as 010-12345678."
        ]

    def test_mobile_only_takes_mobiles(self) -> None:
        assert clean_mobile("+8613912345678") == "13912345678"
        with pytest.raises(ValidationError) as error:
            clean_mobile("010-88886666")
        assert error.value.messages == [
            "Enter a mobile number of 11 digits starting with 13 to 19, such as 13812345678."
        ]


def test_email_and_website() -> None:
    assert clean_email(" Li.Lei@Example.COM ") == "li.lei@example.com"
    assert clean_website("www.example.com") == "https://www.example.com"
    with pytest.raises(ValidationError):
        clean_email("li@")
    with pytest.raises(ValidationError):
        clean_website("not a site")


class TestSearchText:
    @pytest.mark.parametrize(
        ("name", "person", "full", "initials"),
        [
            ("张三丰", True, "zhangsanfeng", "zsf"),
            ("单雄信", True, "shanxiongxin", "sxx"),
            ("曾国藩", True, "zengguofan", "zgf"),
            (
                "重庆长安汽车股份有限公司",
                False,
                "chongqingchanganqichegufenyouxiangongsi",
                "cqcaqcgfyxgs",
            ),
            ("ABC科技", False, "keji", "kj"),
        ],
    )
    def test_pinyin_follows_phrases_and_surnames(
        self, name: str, person: bool, full: str, initials: str
    ) -> None:
        from guanxi.customers.search import pinyin_forms

        assert pinyin_forms(name, person=person) == (full, initials)

    def test_near_identical_names_share_a_key(self) -> None:
        from guanxi.customers.search import name_key

        assert (
            name_key("北京华信科技有限公司")
            == name_key("北京华信科技股份有限公司")
            == "北京华信科技"
        )
        assert name_key("ＡＢＣ（中国）有限公司") == name_key("abc co., ltd.") == "abc"


class TestCheckDigitProperty:
    from hypothesis import given
    from hypothesis import strategies as st

    BODY = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=10, max_size=10)

    @given(
        st.sampled_from(["11", "12", "13", "19", "21", "31", "51", "52", "59", "91", "92", "93"]),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        BODY,
    )
    def test_a_computed_check_digit_is_accepted_and_any_other_refused(
        self, kind: str, region: str, body: str
    ) -> None:
        first17 = kind + region + body[:9]
        check = uscc_check_char(first17)
        assert clean_uscc(first17 + check) == first17 + check
        wrong = next(c for c in "0123456789" if c != check)
        with pytest.raises(ValidationError):
            clean_uscc(first17 + wrong)
