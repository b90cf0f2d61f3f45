"""An app with a LangChain chain traced by Langfuse SDK 5.x's CallbackHandler, made once at
import as an app module makes it. LangChain's own fake chat model answers; each answer is an
``AIMessage`` with a fresh ``lc_run--<uuid>`` id, which the output parser's input carries."""

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langfuse import get_client
from langfuse.langchain import CallbackHandler

handler = CallbackHandler()
model = FakeListChatModel(responses=["Paris"])
chain = ChatPromptTemplate.from_template("Capital of {country}?") | model | StrOutputParser()


def ask(country: str, **metadata: object) -> str:
    config = {"callbacks": [handler], "run_name": "capital", "metadata": metadata}
    return chain.invoke({"country": country}, config=config)


def ask_streaming(country: str) -> str:
    config = {"callbacks": [handler], "run_name": "capital-stream"}
    return "".join(chain.stream({"country": country}, config=config))


def flush() -> None:
    get_client().flush()
