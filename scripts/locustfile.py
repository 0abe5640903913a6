"""Locust users of the HTTP API: ministries and partners searching in six languages.

Used by scripts/load_test.py (which starts the server, runs this bounded and prints the figures);
it also runs on its own against a server you started:

    locust -f scripts/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:8000

Every search answer is kept per statement (ANSWERS), so the load test can check that what a
statement got under load is what it gets sent alone.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from typing import Any

from locust import HttpUser, between, task

STATEMENTS: dict[str, list[str]] = {
    "en": [
        "Our customs service has no trained dogs to detect fentanyl in parcels at the airport.",
        "We need help to set up an early warning system for new psychoactive substances.",
        "The national forensic laboratory lacks equipment and training to identify synthetic opioids.",
        "We want to work with chemical companies to stop precursors being diverted to drug makers.",
        "Our prisons need treatment programmes for people who use methamphetamine.",
        "Police investigators need training on tracing cryptocurrency payments on darknet markets.",
    ],
    "es": [
        "Necesitamos capacitación para que los agentes de aduanas detecten drogas sintéticas en el correo.",
        "Nuestro país no tiene un sistema de alerta temprana sobre nuevas sustancias psicoactivas.",
        "El laboratorio forense requiere apoyo para analizar fentanilo y sus análogos.",
        "Queremos fortalecer la prevención del consumo de drogas en las escuelas secundarias.",
        "Buscamos cooperación con la industria química para controlar los precursores.",
    ],
    "fr": [
        "Nos douaniers ont besoin de formation pour repérer les drogues de synthèse dans les colis postaux.",
        "Nous n'avons pas de laboratoire capable d'identifier les nouvelles substances psychoactives.",
        "Le ministère de la santé souhaite développer le traitement de la dépendance aux opioïdes.",
        "Nous voulons mieux contrôler les précurseurs chimiques importés par nos ports.",
        "La police a besoin d'aide pour enquêter sur les ventes de drogues en ligne.",
    ],
    "pt": [
        "Precisamos de cães farejadores para detectar drogas sintéticas nos aeroportos.",
        "O nosso país quer criar um sistema de alerta precoce para novas drogas.",
        "Os profissionais de saúde precisam de formação no tratamento da dependência de opioides.",
        "Faltam equipamentos ao laboratório forense para identificar o fentanil.",
        "Queremos cooperar com a indústria química no controlo de precursores.",
    ],
    "ru": [
        "Нашей таможне нужна подготовка по выявлению синтетических наркотиков в почтовых отправлениях.",
        "Нам необходима система раннего предупреждения о новых психоактивных веществах.",
        "Судебно-медицинской лаборатории не хватает оборудования для анализа фентанила.",
        "Мы хотим наладить контроль над прекурсорами вместе с химической промышленностью.",
        "Министерству здравоохранения нужна помощь в лечении опиоидной зависимости.",
    ],
    "ar": [
        "تحتاج الجمارك لدينا إلى تدريب على كشف المخدرات الاصطناعية في الطرود البريدية.",
        "نحتاج إلى نظام إنذار مبكر بشأن المؤثرات النفسانية الجديدة.",
        "يفتقر المختبر الجنائي إلى المعدات اللازمة لتحديد الفنتانيل.",
        "نريد التعاون مع شركات الكيماويات لمنع تسريب السلائف.",
        "تحتاج وزارة الصحة إلى دعم برامج علاج الإدمان على المواد الأفيونية.",
    ],
}
ALL_STATEMENTS = [s for group in STATEMENTS.values() for s in group]
IDS = ["1204", "1209", "2101", "3101", "3201"]
"""Initiatives opened and compared by the users (ids from the published catalogue)."""

WRITERS = [
    "We write from Kenya.",
    "Nous écrivons du Sénégal.",
    "Escribimos desde Colombia.",
    "Escrevemos de Moçambique.",
    "Пишем из Казахстана.",
    "نكتب من الأردن.",
    "We are the police of Viet Nam.",
    "Somos la aduana de Perú.",
]
"""Openings that make a statement new to the server (its embeddings are not cached yet)."""

ANSWERS: dict[str, set[str]] = defaultdict(set)
"""Every distinct search answer seen per statement, as canonical JSON."""


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


class CoalitionUser(HttpUser):
    """Someone reading the matcher's answers: mostly searches, some initiatives, a brief."""

    wait_time = between(1.0, 3.0)
    vary = False
    """Open each search with a writer (WRITERS), so most statements are new to the server;
    their answers are then not compared with the statements sent alone."""

    @task(10)
    def search(self) -> None:
        statement = random.choice(ALL_STATEMENTS)
        sent = f"{random.choice(WRITERS)} {statement}" if self.vary else statement
        with self.client.post(
            "/search", json={"query": sent, "k": 10}, name="/search", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            data = response.json()
            if data.get("query") is None or not isinstance(data.get("results"), list):
                response.failure("not a search result")
                return
            if not self.vary:
                ANSWERS[statement].add(canonical(data))

    @task(2)
    def initiative(self) -> None:
        self.client.get(f"/initiatives/{random.choice(IDS)}", name="/initiatives/{id}")

    @task(2)
    def similar(self) -> None:
        self.client.get(
            f"/initiatives/{random.choice(IDS)}/similar?k=5", name="/initiatives/{id}/similar"
        )

    @task(1)
    def brief(self) -> None:
        statement = random.choice(ALL_STATEMENTS)
        self.client.post("/brief", json={"query": statement, "k": 5, "format": "md"}, name="/brief")

    @task(1)
    def batch(self) -> None:
        chosen = random.sample(ALL_STATEMENTS, 3)
        queries = [{"qid": str(n), "query": s} for n, s in enumerate(chosen)]
        self.client.post("/search/batch", json={"queries": queries, "k": 5}, name="/search/batch")
