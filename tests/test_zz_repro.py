import pytest
from tests.test_app import app, start, texts, KENYA  # noqa

@pytest.mark.parametrize("lang", ["es", "ar"])
def test_switch_after(app, lang):
    app.selectbox(key="region").select("global").run()
    app.text_area(key="statement").input(KENYA).run()
    assert not app.error
    app.selectbox(key="lang_choice").select(lang).run()
    print([e.value for e in app.error], app.exception)
    print(repr(app.selectbox(key="swg").value), repr(app.selectbox(key="region").value))
    app.switch_page("app_pages/overlaps.py").run()
    print([e.value for e in app.error], app.exception, app.multiselect[0].value)
    app.selectbox(key="lang_choice").select("en").run()
    print([e.value for e in app.error], app.exception, app.multiselect[0].value)
